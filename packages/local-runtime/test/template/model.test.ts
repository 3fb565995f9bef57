import { describe, expect, it } from 'vitest';
import { loadStackModel, localName } from '../../src/template/model';

const template = {
  Parameters: { BootstrapVersion: { Type: 'String' } },
  Resources: {
    GameEventsBusA1B2C3D4: { Type: 'AWS::Events::EventBus', Properties: { Name: 'game-events' } },
    CompletedLevelTableAB12CD34: {
      Type: 'AWS::DynamoDB::Table',
      Properties: { KeySchema: [{ AttributeName: 'playerId', KeyType: 'HASH' }], AttributeDefinitions: [{ AttributeName: 'playerId', AttributeType: 'S' }] },
    },
    LevelStoreFn0011AABB: {
      Type: 'AWS::Lambda::Function',
      Metadata: { 'gamekeeper:servicePackage': '@gamekeeper/level-store' },
      Properties: {
        Timeout: 10,
        Environment: { Variables: { TABLE: { Ref: 'CompletedLevelTableAB12CD34' }, BUS_ARN: { 'Fn::GetAtt': ['GameEventsBusA1B2C3D4', 'Arn'] }, REGION: { Ref: 'AWS::Region' } } },
      },
    },
    HousekeepingFFEE0011: {
      Type: 'AWS::StepFunctions::StateMachine',
      Properties: {
        StateMachineType: 'EXPRESS',
        DefinitionString: { 'Fn::Join': ['', ['{"StartAt":"A","States":{"A":{"Type":"Task","Resource":"', { 'Fn::GetAtt': ['LevelStoreFn0011AABB', 'Arn'] }, '","End":true}}}']] },
      },
    },
    RuleCCDD0011: {
      Type: 'AWS::Events::Rule',
      Properties: {
        EventBusName: { Ref: 'GameEventsBusA1B2C3D4' },
        EventPattern: { source: ['gamekeeper.game-backend'] },
        Targets: [{ Id: 'T1', Arn: { Ref: 'HousekeepingFFEE0011' }, RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 600 }, DeadLetterConfig: { Arn: { 'Fn::GetAtt': ['DlqAABBCCDD', 'Arn'] } } }],
      },
    },
    DlqAABBCCDD: { Type: 'AWS::SQS::Queue', Properties: {} },
    // As CDK's `bus.archive(...)` writes it: no ArchiveName, the pattern as an object, an empty KMS key.
    GameEventsBusCompletionsArchiveD5E71864: {
      Type: 'AWS::Events::Archive',
      Properties: {
        Description: 'Completions',
        EventPattern: { source: ['gamekeeper.game-backend'], 'detail-type': ['GameBackend.LevelCompleted'] },
        KmsKeyIdentifier: '',
        RetentionDays: 365,
        SourceArn: { 'Fn::GetAtt': ['GameEventsBusA1B2C3D4', 'Arn'] },
      },
    },
    EverythingArchive00AA11BB: { Type: 'AWS::Events::Archive', Properties: { ArchiveName: 'everything', SourceArn: { 'Fn::GetAtt': ['GameEventsBusA1B2C3D4', 'Arn'] } } },
    Sub00112233: { Type: 'AWS::SNS::Topic', Properties: { TopicName: { 'Fn::Sub': '${AWS::AccountId}-alarms-${GameEventsBusA1B2C3D4.Name}' } } },
  },
};

describe('loadStackModel', () => {
  const model = loadStackModel(template, { region: 'eu-west-1', accountId: '111122223333' });

  it('names resources by their explicit name, else by the logical id without the CDK hash', () => {
    expect(localName('CompletedLevelTableAB12CD34')).toBe('CompletedLevelTable');
    expect(model.buses).toEqual([{ name: 'game-events', arn: 'arn:aws:events:eu-west-1:111122223333:event-bus/game-events' }]);
    expect(model.tables[0]).toMatchObject({ name: 'CompletedLevelTable', keySchema: [{ AttributeName: 'playerId', KeyType: 'HASH' }] });
  });

  it('resolves Ref, Fn::GetAtt and pseudo parameters in function environments', () => {
    expect(model.functions[0]).toMatchObject({
      name: 'LevelStoreFn',
      servicePackage: '@gamekeeper/level-store',
      timeoutSeconds: 10,
      environment: { TABLE: 'CompletedLevelTable', BUS_ARN: 'arn:aws:events:eu-west-1:111122223333:event-bus/game-events', REGION: 'eu-west-1' },
    });
  });

  it('resolves Fn::Join into a parsed state machine definition with function ARNs', () => {
    expect(model.stateMachines[0]).toMatchObject({
      name: 'Housekeeping',
      type: 'EXPRESS',
      arn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:Housekeeping',
      definition: { StartAt: 'A', States: { A: { Resource: 'arn:aws:lambda:eu-west-1:111122223333:function:LevelStoreFn' } } },
    });
  });

  it('reads rules with their bus, pattern, retry policy and dead-letter queue', () => {
    expect(model.rules[0]).toEqual({
      name: 'Rule',
      arn: 'arn:aws:events:eu-west-1:111122223333:rule/game-events/Rule',
      busName: 'game-events',
      enabled: true,
      pattern: { source: ['gamekeeper.game-backend'] },
      targets: [
        {
          id: 'T1',
          arn: 'arn:aws:states:eu-west-1:111122223333:stateMachine:Housekeeping',
          input: undefined,
          inputPath: undefined,
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeInSeconds: 600 },
          deadLetterArn: 'arn:aws:sqs:eu-west-1:111122223333:Dlq',
        },
      ],
    });
  });

  it('reads archives: named by ArchiveName or the logical id, their bus, pattern and retention (0 when absent: indefinitely)', () => {
    expect(model.archives).toEqual([
      {
        name: 'GameEventsBusCompletionsArchive',
        arn: 'arn:aws:events:eu-west-1:111122223333:archive/GameEventsBusCompletionsArchive',
        eventSourceArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/game-events',
        busName: 'game-events',
        pattern: { source: ['gamekeeper.game-backend'], 'detail-type': ['GameBackend.LevelCompleted'] },
        retentionDays: 365,
        description: 'Completions',
      },
      {
        name: 'everything',
        arn: 'arn:aws:events:eu-west-1:111122223333:archive/everything',
        eventSourceArn: 'arn:aws:events:eu-west-1:111122223333:event-bus/game-events',
        busName: 'game-events',
        retentionDays: 0,
      },
    ]);
    // A pattern given as a JSON string (CloudFormation accepts both) is read the same.
    const stringPattern = loadStackModel({
      Resources: { A: { Type: 'AWS::Events::Archive', Properties: { SourceArn: 'arn:aws:events:us-east-1:000000000000:event-bus/default', EventPattern: '{"source":["x"]}' } } },
    });
    expect(stringPattern.archives[0]).toMatchObject({ name: 'A', busName: 'default', pattern: { source: ['x'] } });
  });

  it('resolves Fn::Sub with pseudo parameters and resource attributes', () => {
    expect(loadStackModel(template).queues).toEqual([{ name: 'Dlq', arn: 'arn:aws:sqs:us-east-1:000000000000:Dlq' }]);
    const withTopic = loadStackModel({ Resources: { ...template.Resources, T: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { TOPIC: { Ref: 'Sub00112233' } } } } } } });
    expect(withTopic.functions.find((f) => f.name === 'T')?.environment.TOPIC).toBe('arn:aws:sns:us-east-1:000000000000:000000000000-alarms-game-events');
  });

  it('fails clearly on a reference to a resource that does not exist', () => {
    expect(() => loadStackModel({ Resources: { F: { Type: 'AWS::Lambda::Function', Properties: { Environment: { Variables: { X: { Ref: 'Missing' } } } } } } })).toThrow(/Ref to unknown resource Missing/);
  });
});
