/**
 * Resolves the CloudFormation intrinsic functions a synthesized CDK template uses (Ref, Fn::GetAtt,
 * Fn::Join, Fn::Sub, Fn::Select, Fn::Split), so the local runtime reads the same template AWS deploys.
 * Physical names and ARNs come from the caller, which decides how local resources are named.
 */
export interface ResolveContext {
  region: string;
  accountId: string;
  /** The value `Ref` returns for a resource (its physical id). */
  ref(logicalId: string): string;
  /** The value `Fn::GetAtt` returns for a resource attribute. */
  getAtt(logicalId: string, attribute: string): string;
  /** Template parameters' values (CDK's asset parameters, for instance). */
  parameters?: Record<string, string>;
}

export class TemplateResolutionError extends Error {
  override readonly name = 'TemplateResolutionError';
}

const pseudo = (ctx: ResolveContext): Record<string, string> => ({
  'AWS::Region': ctx.region,
  'AWS::AccountId': ctx.accountId,
  'AWS::Partition': 'aws',
  'AWS::URLSuffix': 'amazonaws.com',
  'AWS::StackName': 'local',
  'AWS::NoValue': '',
});

export function resolveValue(value: unknown, ctx: ResolveContext): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveValue(v, ctx));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [fn, arg] = entries[0]!;
    switch (fn) {
      case 'Ref':
        return resolveRef(String(arg), ctx);
      case 'Fn::GetAtt': {
        const [logicalId, attribute] = Array.isArray(arg) ? arg : String(arg).split('.');
        return ctx.getAtt(String(logicalId), String(attribute));
      }
      case 'Fn::Join': {
        const [separator, parts] = arg as [string, unknown[]];
        return (resolveValue(parts, ctx) as unknown[]).map(String).join(separator);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        return (resolveValue(list, ctx) as unknown[])[Number(resolveValue(index, ctx))];
      }
      case 'Fn::Split': {
        const [separator, source] = arg as [string, unknown];
        return String(resolveValue(source, ctx)).split(separator);
      }
      case 'Fn::Sub':
        return resolveSub(arg, ctx);
      default:
        if (fn.startsWith('Fn::')) throw new TemplateResolutionError(`unsupported intrinsic ${fn}`);
    }
  }
  return Object.fromEntries(entries.map(([k, v]) => [k, resolveValue(v, ctx)]));
}

function resolveRef(name: string, ctx: ResolveContext): string {
  const pseudoValue = pseudo(ctx)[name];
  if (pseudoValue !== undefined) return pseudoValue;
  const parameter = ctx.parameters?.[name];
  if (parameter !== undefined) return parameter;
  return ctx.ref(name);
}

function resolveSub(arg: unknown, ctx: ResolveContext): string {
  const [template, variables] = Array.isArray(arg) ? (arg as [string, Record<string, unknown>]) : [String(arg), {}];
  const resolvedVariables = resolveValue(variables, ctx) as Record<string, unknown>;
  return template.replace(/\$\{([^}!][^}]*)\}/g, (_match, name: string) => {
    if (name in resolvedVariables) return String(resolvedVariables[name]);
    if (name.includes('.')) {
      const [logicalId, attribute] = name.split('.', 2) as [string, string];
      return ctx.getAtt(logicalId, attribute);
    }
    return resolveRef(name, ctx);
  });
}
