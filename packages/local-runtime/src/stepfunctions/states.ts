/** One state of an ASL definition, at any depth, with its name. */
export interface NamedState {
  name: string;
  state: Record<string, any>;
}

/**
 * Every state of a definition, depth first: the top level, each Parallel branch, and each Map's
 * iterator (`ItemProcessor`, or the older `Iterator`). The one walker of a definition's states.
 */
export function statesOf(definition: Record<string, any>): NamedState[] {
  const found: NamedState[] = [];
  const walk = (machine: Record<string, any> | undefined) => {
    for (const [name, state] of Object.entries<Record<string, any>>(machine?.States ?? {})) {
      found.push({ name, state });
      for (const branch of state.Branches ?? []) walk(branch);
      walk(state.ItemProcessor ?? state.Iterator);
    }
  };
  walk(definition);
  return found;
}
