import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type CfnResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Architecture, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { AWS_RUNTIME_EXTERNALS, FUNCTION_BUNDLING, SERVICE_PACKAGE_METADATA } from '@gamekeeper/bundling';
import { Construct } from 'constructs';

export { SERVICE_PACKAGE_METADATA };

const require = createRequire(import.meta.url);
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export interface GameFunctionProps {
  /** The service package, e.g. `@gamekeeper/level-store`; its `./handler` export is bundled. */
  servicePackage: string;
  /** Powertools service name (log field `service`). */
  serviceName: string;
  description: string;
  environment?: Record<string, string>;
  timeout?: Duration;
  memorySize?: number;
}

export type TableAccess = 'read' | 'readWrite';
const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  read: ['dynamodb:GetItem'],
  readWrite: ['dynamodb:GetItem', 'dynamodb:PutItem'],
};

/**
 * One gamekeeper function, fixed the same way for every team: nodejs22.x on arm64, ESM bundle by
 * esbuild with source maps, X-Ray tracing, its own log group with retention, Powertools settings.
 */
export class GameFunction extends Construct {
  readonly function: NodejsFunction;

  constructor(scope: Construct, id: string, props: GameFunctionProps) {
    super(scope, id);
    const logGroup = new LogGroup(this, 'Logs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.function = new NodejsFunction(this, 'Function', {
      entry: require.resolve(`${props.servicePackage}/handler`),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_22_X,
      architecture: Architecture.ARM_64,
      memorySize: props.memorySize ?? 256,
      // Room for the SDK's throttling backoff (see @gamekeeper/middleware awsClientConfig).
      timeout: props.timeout ?? Duration.seconds(30),
      tracing: Tracing.ACTIVE,
      logGroup,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'pnpm-lock.yaml'),
      environment: {
        POWERTOOLS_SERVICE_NAME: props.serviceName,
        LOG_LEVEL: 'INFO',
        NODE_OPTIONS: '--enable-source-maps',
        ...props.environment,
      },
      // The settings `npm run build` and the local runtime use too (@gamekeeper/bundling).
      bundling: {
        format: OutputFormat.ESM,
        target: FUNCTION_BUNDLING.target,
        minify: FUNCTION_BUNDLING.minify,
        // CDK's default source-map mode is esbuild's linked map: FUNCTION_BUNDLING.sourcemap.
        sourceMap: true,
        mainFields: [...FUNCTION_BUNDLING.mainFields],
        banner: FUNCTION_BUNDLING.banner,
        // The runtime provides the SDK: CDK's own default for nodejs22.x, named here so the size budget
        // (@gamekeeper/bundling test/budget.test.ts) bundles exactly what is deployed.
        externalModules: [...AWS_RUNTIME_EXTERNALS],
      },
    });
    (this.function.node.defaultChild as CfnResource).addMetadata(SERVICE_PACKAGE_METADATA, props.servicePackage);
  }

  /** Grants exactly the table actions the service uses and tells it the table's name, in one call. */
  bindTable({ table, envVar, access = 'readWrite', actions }: { table: ITable; envVar: string; access?: TableAccess; actions?: string[] }): this {
    table.grant(this.function, ...(actions ?? TABLE_ACTIONS[access]));
    this.function.addEnvironment(envVar, table.tableName);
    return this;
  }
}
