import { type QueryProtocol, list, map, structure } from '../protocol/query';

/**
 * CloudWatch's operations on the Query protocol (API version 2010-08-01), as its service model shapes
 * them: every list is a `member` list (`Dimensions.member.1.Name`, `<Dimensions><member>`), timestamps
 * are ISO 8601. Only what the local backend emulates; other parameters are ignored as unknown.
 */
const dimension = structure({ Name: 'string', Value: 'string' });
const dimensions = list(dimension);
const metric = structure({ Namespace: 'string', MetricName: 'string', Dimensions: dimensions });
const messageData = structure({ Code: 'string', Value: 'string' });

export const cloudWatchQuery: QueryProtocol = {
  xmlns: 'http://monitoring.amazonaws.com/doc/2010-08-01/',
  version: '2010-08-01',
  shapes: {
    operations: {
      PutMetricData: {
        input: structure({
          Namespace: 'string',
          MetricData: list(
            structure({
              MetricName: 'string',
              Dimensions: dimensions,
              Timestamp: 'timestamp',
              Value: 'double',
              StatisticValues: structure({ SampleCount: 'double', Sum: 'double', Minimum: 'double', Maximum: 'double' }),
              Values: list('double'),
              Counts: list('double'),
              Unit: 'string',
              StorageResolution: 'integer',
            }),
          ),
          StrictEntityValidation: 'boolean',
        }),
      },
      ListMetrics: {
        input: structure({
          Namespace: 'string',
          MetricName: 'string',
          Dimensions: list(structure({ Name: 'string', Value: 'string' })),
          NextToken: 'string',
          RecentlyActive: 'string',
          IncludeLinkedAccounts: 'boolean',
          OwningAccount: 'string',
        }),
        output: structure({ Metrics: list(metric), NextToken: 'string', OwningAccounts: list('string') }),
      },
      GetMetricStatistics: {
        input: structure({
          Namespace: 'string',
          MetricName: 'string',
          Dimensions: dimensions,
          StartTime: 'timestamp',
          EndTime: 'timestamp',
          Period: 'integer',
          Statistics: list('string'),
          ExtendedStatistics: list('string'),
          Unit: 'string',
        }),
        output: structure({
          Label: 'string',
          Datapoints: list(
            structure({
              Timestamp: 'timestamp',
              SampleCount: 'double',
              Average: 'double',
              Sum: 'double',
              Minimum: 'double',
              Maximum: 'double',
              Unit: 'string',
              ExtendedStatistics: map('double'),
            }),
          ),
        }),
      },
      GetMetricData: {
        input: structure({
          MetricDataQueries: list(
            structure({
              Id: 'string',
              MetricStat: structure({ Metric: metric, Period: 'integer', Stat: 'string', Unit: 'string' }),
              Expression: 'string',
              Label: 'string',
              ReturnData: 'boolean',
              Period: 'integer',
              AccountId: 'string',
            }),
          ),
          StartTime: 'timestamp',
          EndTime: 'timestamp',
          NextToken: 'string',
          ScanBy: 'string',
          MaxDatapoints: 'integer',
          LabelOptions: structure({ Timezone: 'string' }),
        }),
        output: structure({
          MetricDataResults: list(
            structure({
              Id: 'string',
              Label: 'string',
              Timestamps: list('timestamp'),
              Values: list('double'),
              StatusCode: 'string',
              Messages: list(messageData),
            }),
          ),
          NextToken: 'string',
          Messages: list(messageData),
        }),
      },
    },
  },
};
