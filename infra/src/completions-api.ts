import { RemovalPolicy } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, HttpMethod, type HttpStage, type IHttpRouteAuthorizer, LogGroupLogDestination, PayloadFormatVersion } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpIamAuthorizer, HttpJwtAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type { IFunction } from 'aws-cdk-lib/aws-lambda';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import type { TaskFunction } from './tasks';

/** The routes, each a `POST` to one writer. */
export const COMPLETION_ROUTES = { level: '/completions/level', game: '/completions/game' } as const;

/**
 * Who may call the API. `iam` (the default): SigV4-signed requests from principals whose IAM policy allows
 * `execute-api:Invoke` on the route (a game server with an instance or task role). `jwt`: a bearer token
 * from an OIDC issuer (Cognito, Auth0, ...), checked by API Gateway against the issuer and audience.
 */
export type CompletionsApiAuthorization = { type: 'iam' } | { type: 'jwt'; issuer: string; audience: string[]; scopes?: string[] };

/** API Gateway's token bucket for every route of the stage: steady requests per second and burst. */
export interface CompletionsApiThrottle {
  rateLimit: number;
  burstLimit: number;
}

export const DEFAULT_API_THROTTLE: CompletionsApiThrottle = { rateLimit: 50, burstLimit: 100 };

export interface CompletionsApiProps {
  levelStore: TaskFunction;
  gameStore: TaskFunction;
  authorization?: CompletionsApiAuthorization;
  throttle?: CompletionsApiThrottle;
}

/**
 * An HTTP API for game servers that cannot reach EventBridge and want the write acknowledged:
 * `POST /completions/level` → the level store, `POST /completions/game` → the game store, each a Lambda
 * proxy integration with payload format 2.0 (the function answers the HTTP response itself). The
 * `$default` stage is auto-deployed, throttled and access-logged; every route requires authorization.
 */
export class CompletionsApi extends Construct {
  readonly api: HttpApi;
  readonly stage: HttpStage;

  constructor(scope: Construct, id: string, props: CompletionsApiProps) {
    super(scope, id);
    const throttle = props.throttle ?? DEFAULT_API_THROTTLE;
    this.api = new HttpApi(this, 'Api', {
      apiName: 'gamekeeper-completions',
      description: 'Level and game completions written synchronously through the level and game stores',
      createDefaultStage: false,
      defaultAuthorizer: authorizer(props.authorization ?? { type: 'iam' }),
      ...(props.authorization?.type === 'jwt' && props.authorization.scopes ? { defaultAuthorizationScopes: props.authorization.scopes } : {}),
    });
    const accessLogs = new LogGroup(this, 'AccessLogs', { retention: RetentionDays.ONE_MONTH, removalPolicy: RemovalPolicy.DESTROY });
    this.stage = this.api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      throttle,
      accessLogSettings: { destination: new LogGroupLogDestination(accessLogs), format: AccessLogFormat.jsonWithStandardFields() },
    });
    const route = (path: string, id: string, fn: TaskFunction) =>
      this.api.addRoutes({
        path,
        methods: [HttpMethod.POST],
        integration: new HttpLambdaIntegration(id, functionOf(fn), { payloadFormatVersion: PayloadFormatVersion.VERSION_2_0 }),
      });
    route(COMPLETION_ROUTES.level, 'LevelStoreIntegration', props.levelStore);
    route(COMPLETION_ROUTES.game, 'GameStoreIntegration', props.gameStore);
  }

  /** The base URL of the `$default` stage. */
  get url(): string {
    return this.stage.url;
  }
}

function authorizer(authorization: CompletionsApiAuthorization): IHttpRouteAuthorizer {
  if (authorization.type === 'iam') return new HttpIamAuthorizer();
  return new HttpJwtAuthorizer('JwtAuthorizer', authorization.issuer, { jwtAudience: authorization.audience });
}

const functionOf = (fn: TaskFunction): IFunction => ('function' in fn ? fn.function : fn);
