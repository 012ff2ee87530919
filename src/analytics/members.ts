import type { ListShape, ScalarShape, StructureShape } from '../aws/index.ts'

// Input members of Kinesis Data Analytics for SQL's operations, with the constraints of the service model
// (botocore kinesisanalytics/2015-08-14), members in the model's order.

export const ApplicationName: ScalarShape = {
  type: 'string',
  required: true,
  minLength: 1,
  maxLength: 128,
  pattern: '[a-zA-Z0-9_.-]+',
}

export const CurrentApplicationVersionId: ScalarShape = {
  type: 'long',
  required: true,
  min: 1,
  max: 999999999,
}

export const ApplicationCode: ScalarShape = { type: 'string', minLength: 0, maxLength: 102400 }

export const Id: ScalarShape = { type: 'string', minLength: 1, maxLength: 50, pattern: '[a-zA-Z0-9_.-]+' }

export const ResourceARN: ScalarShape = { type: 'string', minLength: 1, maxLength: 2048, pattern: 'arn:.*' }

export const RoleARN: ScalarShape = {
  type: 'string',
  minLength: 1,
  maxLength: 2048,
  pattern: 'arn:aws:iam::\\d{12}:role/?[a-zA-Z_0-9+=,.@\\-_/]+',
}

export const InAppStreamName: ScalarShape = { type: 'string', minLength: 1, maxLength: 32 }

/**
 * The model writes `\d{1}+:\d{12}+` with Java's possessive quantifiers, which JavaScript lacks; before a
 * literal `:` they match exactly what the greedy form does.
 */
export const KinesisAnalyticsARN: ScalarShape = {
  type: 'string',
  required: true,
  minLength: 1,
  maxLength: 2048,
  pattern: 'arn:aws:kinesisanalytics:[a-z]{2}-[a-z]+-\\d{1}:\\d{12}:application/[a-zA-Z0-9_.-]{1,128}',
}

/** { ResourceARN, RoleARN }, both required: a stream, delivery stream or function and the role to reach it. */
const resource: StructureShape = {
  type: 'structure',
  members: { ResourceARN: { ...ResourceARN, required: true }, RoleARN: { ...RoleARN, required: true } },
}

/** The Update form: { ResourceARNUpdate, RoleARNUpdate }, both optional. */
const resourceUpdate: StructureShape = {
  type: 'structure',
  members: { ResourceARNUpdate: ResourceARN, RoleARNUpdate: RoleARN },
}

export const RecordFormat: StructureShape = {
  type: 'structure',
  members: {
    RecordFormatType: { type: 'string', required: true, enum: ['JSON', 'CSV'] },
    MappingParameters: {
      type: 'structure',
      members: {
        JSONMappingParameters: {
          type: 'structure',
          members: { RecordRowPath: { type: 'string', required: true, minLength: 1 } },
        },
        CSVMappingParameters: {
          type: 'structure',
          members: {
            RecordRowDelimiter: { type: 'string', required: true, minLength: 1 },
            RecordColumnDelimiter: { type: 'string', required: true, minLength: 1 },
          },
        },
      },
    },
  },
}

export const RecordEncoding: ScalarShape = { type: 'string', pattern: 'UTF-8' }

export const RecordColumns: ListShape = {
  type: 'list',
  minLength: 1,
  maxLength: 1000,
  member: {
    type: 'structure',
    members: {
      Name: { type: 'string', required: true },
      Mapping: { type: 'string' },
      SqlType: { type: 'string', required: true, minLength: 1 },
    },
  },
}

export const SourceSchema: StructureShape = {
  type: 'structure',
  members: {
    RecordFormat: { ...RecordFormat, required: true },
    RecordEncoding,
    RecordColumns: { ...RecordColumns, required: true },
  },
}

export const InputLambdaProcessor: StructureShape = { ...resource }

export const InputProcessingConfiguration: StructureShape = {
  type: 'structure',
  members: { InputLambdaProcessor: { ...InputLambdaProcessor, required: true } },
}

export const InputStartingPositionConfiguration: StructureShape = {
  type: 'structure',
  members: { InputStartingPosition: { type: 'string', enum: ['NOW', 'TRIM_HORIZON', 'LAST_STOPPED_POINT'] } },
}

export const Input: StructureShape = {
  type: 'structure',
  members: {
    NamePrefix: { ...InAppStreamName, required: true },
    InputProcessingConfiguration,
    KinesisStreamsInput: resource,
    KinesisFirehoseInput: resource,
    InputParallelism: {
      type: 'structure',
      members: { Count: { type: 'integer', min: 1, max: 64 } },
    },
    InputSchema: { ...SourceSchema, required: true },
  },
}

export const DestinationSchema: StructureShape = {
  type: 'structure',
  members: { RecordFormatType: { type: 'string', required: true, enum: ['JSON', 'CSV'] } },
}

export const Output: StructureShape = {
  type: 'structure',
  members: {
    Name: { ...InAppStreamName, required: true },
    KinesisStreamsOutput: resource,
    KinesisFirehoseOutput: resource,
    LambdaOutput: resource,
    DestinationSchema: { ...DestinationSchema, required: true },
  },
}

export const InAppTableName: ScalarShape = { type: 'string', minLength: 1, maxLength: 32 }

export const ReferenceDataSource: StructureShape = {
  type: 'structure',
  members: {
    TableName: { ...InAppTableName, required: true },
    S3ReferenceDataSource: {
      type: 'structure',
      members: {
        BucketARN: { ...ResourceARN, required: true },
        FileKey: { type: 'string', required: true, minLength: 1, maxLength: 1024 },
        ReferenceRoleARN: { ...RoleARN, required: true },
      },
    },
    ReferenceSchema: { ...SourceSchema, required: true },
  },
}

export const CloudWatchLoggingOption: StructureShape = {
  type: 'structure',
  members: {
    LogStreamARN: { ...ResourceARN, required: true },
    RoleARN: { ...RoleARN, required: true },
  },
}

export const Tags: ListShape = {
  type: 'list',
  minLength: 1,
  maxLength: 200,
  member: {
    type: 'structure',
    members: {
      Key: { type: 'string', required: true, minLength: 1, maxLength: 128 },
      Value: { type: 'string', minLength: 0, maxLength: 256 },
    },
  },
}

export const ApplicationUpdate: StructureShape = {
  type: 'structure',
  members: {
    InputUpdates: {
      type: 'list',
      member: {
        type: 'structure',
        members: {
          InputId: { ...Id, required: true },
          NamePrefixUpdate: InAppStreamName,
          InputProcessingConfigurationUpdate: {
            type: 'structure',
            members: { InputLambdaProcessorUpdate: { ...resourceUpdate, required: true } },
          },
          KinesisStreamsInputUpdate: resourceUpdate,
          KinesisFirehoseInputUpdate: resourceUpdate,
          InputSchemaUpdate: {
            type: 'structure',
            members: {
              RecordFormatUpdate: RecordFormat,
              RecordEncodingUpdate: RecordEncoding,
              RecordColumnUpdates: RecordColumns,
            },
          },
          InputParallelismUpdate: {
            type: 'structure',
            members: { CountUpdate: { type: 'integer', min: 1, max: 64 } },
          },
        },
      },
    },
    ApplicationCodeUpdate: ApplicationCode,
    OutputUpdates: {
      type: 'list',
      member: {
        type: 'structure',
        members: {
          OutputId: { ...Id, required: true },
          NameUpdate: InAppStreamName,
          KinesisStreamsOutputUpdate: resourceUpdate,
          KinesisFirehoseOutputUpdate: resourceUpdate,
          LambdaOutputUpdate: resourceUpdate,
          DestinationSchemaUpdate: DestinationSchema,
        },
      },
    },
    ReferenceDataSourceUpdates: {
      type: 'list',
      member: {
        type: 'structure',
        members: {
          ReferenceId: { ...Id, required: true },
          TableNameUpdate: InAppTableName,
          S3ReferenceDataSourceUpdate: {
            type: 'structure',
            members: {
              BucketARNUpdate: ResourceARN,
              FileKeyUpdate: { type: 'string', minLength: 1, maxLength: 1024 },
              ReferenceRoleARNUpdate: RoleARN,
            },
          },
          ReferenceSchemaUpdate: SourceSchema,
        },
      },
    },
    CloudWatchLoggingOptionUpdates: {
      type: 'list',
      member: {
        type: 'structure',
        members: {
          CloudWatchLoggingOptionId: { ...Id, required: true },
          LogStreamARNUpdate: ResourceARN,
          RoleARNUpdate: RoleARN,
        },
      },
    },
  },
}
