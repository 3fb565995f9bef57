export { createConsole } from './server/handler';
export type { ConsoleHandler, ConsoleOptions } from './server/handler';
export type { ConsoleRuntime } from './server/views';
export { aslToGraph, describeCondition, allNodes, allEdges } from './graph/asl-graph';
export type { StateGraph, GraphNode, GraphEdge } from './graph/asl-graph';
export { layoutGraph } from './graph/layout';
export type { LaidOutGraph, PlacedNode, PlacedEdge } from './graph/layout';
export { stateOutcomes } from './server/outcomes';
export type { StateView, StateOutcomeKind } from './server/outcomes';
