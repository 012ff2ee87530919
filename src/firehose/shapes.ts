import type { ListShape, MapShape, ScalarShape, StructureShape } from '../aws/index.ts'

// The input shapes of the Firehose model (botocore `firehose/2015-08-04/service-2.json`), named as the model
// names them, with its constraints; members in the model's order, which is the order AWS reports violations
// in. Sources and destinations the gateway does not serve are read as empty structures: their presence is
// enough to refuse them (operations/destinations.ts).

export const DeliveryStreamName: ScalarShape = {
  type: 'string',
  pattern: '[a-zA-Z0-9_.-]+',
  minLength: 1,
  maxLength: 64,
}
export const DeliveryStreamType: ScalarShape = {
  type: 'string',
  enum: ['DirectPut', 'KinesisStreamAsSource', 'MSKAsSource', 'DatabaseAsSource'],
}
export const ThroughputHintInMBs: ScalarShape = { type: 'integer', min: 1, max: 100 }
export const DirectPutSourceConfiguration: StructureShape = {
  type: 'structure',
  members: { ThroughputHintInMBs: { ...ThroughputHintInMBs, required: true } },
}
export const KinesisStreamARN: ScalarShape = {
  type: 'string',
  pattern: 'arn:.*:kinesis:[a-zA-Z0-9\\-]+:\\d{12}:stream/[a-zA-Z0-9_.-]+',
  minLength: 1,
  maxLength: 512,
}
export const RoleARN: ScalarShape = {
  type: 'string',
  pattern: 'arn:.*:iam::\\d{12}:role/[a-zA-Z_0-9+=,.@\\-_/]+',
  minLength: 1,
  maxLength: 512,
}
export const KinesisStreamSourceConfiguration: StructureShape = {
  type: 'structure',
  members: {
    KinesisStreamARN: { ...KinesisStreamARN, required: true },
    RoleARN: { ...RoleARN, required: true },
  },
}
export const AWSKMSKeyARNForSSE: ScalarShape = {
  type: 'string',
  pattern: 'arn:.*:kms:[a-zA-Z0-9\\-]+:\\d{12}:key/[a-zA-Z_0-9+=,.@\\-_/]+',
  minLength: 1,
  maxLength: 512,
}
export const KeyType: ScalarShape = { type: 'string', enum: ['AWS_OWNED_CMK', 'CUSTOMER_MANAGED_CMK'] }
export const DeliveryStreamEncryptionConfigurationInput: StructureShape = {
  type: 'structure',
  members: { KeyARN: AWSKMSKeyARNForSSE, KeyType: { ...KeyType, required: true } },
}
export const BucketARN: ScalarShape = {
  type: 'string',
  pattern: 'arn:.*:s3:::[\\w\\.\\-]{1,255}',
  minLength: 1,
  maxLength: 2048,
}
export const Prefix: ScalarShape = { type: 'string', pattern: '.*', minLength: 0, maxLength: 1024 }
export const ErrorOutputPrefix: ScalarShape = { type: 'string', pattern: '.*', minLength: 0, maxLength: 1024 }
export const SizeInMBs: ScalarShape = { type: 'integer', min: 1, max: 128 }
export const IntervalInSeconds: ScalarShape = { type: 'integer', min: 0, max: 900 }
export const BufferingHints: StructureShape = {
  type: 'structure',
  members: { SizeInMBs: SizeInMBs, IntervalInSeconds: IntervalInSeconds },
}
export const CompressionFormat: ScalarShape = {
  type: 'string',
  enum: ['UNCOMPRESSED', 'GZIP', 'ZIP', 'Snappy', 'HADOOP_SNAPPY'],
}
export const NoEncryptionConfig: ScalarShape = { type: 'string', enum: ['NoEncryption'] }
export const AWSKMSKeyARN: ScalarShape = {
  type: 'string',
  pattern: 'arn:.*:kms:[a-zA-Z0-9\\-]+:\\d{12}:(key|alias)/[a-zA-Z_0-9+=,.@\\-_/]+',
  minLength: 1,
  maxLength: 512,
}
export const KMSEncryptionConfig: StructureShape = {
  type: 'structure',
  members: { AWSKMSKeyARN: { ...AWSKMSKeyARN, required: true } },
}
export const EncryptionConfiguration: StructureShape = {
  type: 'structure',
  members: { NoEncryptionConfig: NoEncryptionConfig, KMSEncryptionConfig: KMSEncryptionConfig },
}
export const BooleanObject: ScalarShape = { type: 'boolean' }
export const LogGroupName: ScalarShape = {
  type: 'string',
  pattern: '[\\.\\-_/#A-Za-z0-9]*',
  minLength: 0,
  maxLength: 512,
}
export const LogStreamName: ScalarShape = { type: 'string', pattern: '[^:*]*', minLength: 0, maxLength: 512 }
export const CloudWatchLoggingOptions: StructureShape = {
  type: 'structure',
  members: { Enabled: BooleanObject, LogGroupName: LogGroupName, LogStreamName: LogStreamName },
}
export const S3DestinationConfiguration: StructureShape = {
  type: 'structure',
  members: {
    RoleARN: { ...RoleARN, required: true },
    BucketARN: { ...BucketARN, required: true },
    Prefix: Prefix,
    ErrorOutputPrefix: ErrorOutputPrefix,
    BufferingHints: BufferingHints,
    CompressionFormat: CompressionFormat,
    EncryptionConfiguration: EncryptionConfiguration,
    CloudWatchLoggingOptions: CloudWatchLoggingOptions,
  },
}
export const ProcessorType: ScalarShape = {
  type: 'string',
  enum: [
    'RecordDeAggregation',
    'Decompression',
    'CloudWatchLogProcessing',
    'Lambda',
    'MetadataExtraction',
    'AppendDelimiterToRecord',
  ],
}
export const ProcessorParameterName: ScalarShape = {
  type: 'string',
  enum: [
    'LambdaArn',
    'NumberOfRetries',
    'MetadataExtractionQuery',
    'JsonParsingEngine',
    'RoleArn',
    'BufferSizeInMBs',
    'BufferIntervalInSeconds',
    'SubRecordType',
    'Delimiter',
    'CompressionFormat',
    'DataMessageExtraction',
  ],
}
export const ProcessorParameterValue: ScalarShape = {
  type: 'string',
  pattern: '^(?!\\s*$).+',
  minLength: 1,
  maxLength: 5120,
}
export const ProcessorParameter: StructureShape = {
  type: 'structure',
  members: {
    ParameterName: { ...ProcessorParameterName, required: true },
    ParameterValue: { ...ProcessorParameterValue, required: true },
  },
}
export const ProcessorParameterList: ListShape = { type: 'list', member: ProcessorParameter }
export const Processor: StructureShape = {
  type: 'structure',
  members: { Type: { ...ProcessorType, required: true }, Parameters: ProcessorParameterList },
}
export const ProcessorList: ListShape = { type: 'list', member: Processor }
export const ProcessingConfiguration: StructureShape = {
  type: 'structure',
  members: { Enabled: BooleanObject, Processors: ProcessorList },
}
export const S3BackupMode: ScalarShape = { type: 'string', enum: ['Disabled', 'Enabled'] }
export const NonEmptyStringWithoutWhitespace: ScalarShape = {
  type: 'string',
  pattern: '^\\S+$',
  minLength: 1,
  maxLength: 1024,
}
export const SchemaConfiguration: StructureShape = {
  type: 'structure',
  members: {
    RoleARN: NonEmptyStringWithoutWhitespace,
    CatalogId: NonEmptyStringWithoutWhitespace,
    DatabaseName: NonEmptyStringWithoutWhitespace,
    TableName: NonEmptyStringWithoutWhitespace,
    Region: NonEmptyStringWithoutWhitespace,
    VersionId: NonEmptyStringWithoutWhitespace,
  },
}
export const NonEmptyString: ScalarShape = {
  type: 'string',
  pattern: '^(?!\\s*$).+',
  minLength: 1,
  maxLength: 1024,
}
export const ColumnToJsonKeyMappings: MapShape = {
  type: 'map',
  keys: NonEmptyStringWithoutWhitespace,
  values: NonEmptyString,
}
export const OpenXJsonSerDe: StructureShape = {
  type: 'structure',
  members: {
    ConvertDotsInJsonKeysToUnderscores: BooleanObject,
    CaseInsensitive: BooleanObject,
    ColumnToJsonKeyMappings: ColumnToJsonKeyMappings,
  },
}
export const ListOfNonEmptyStrings: ListShape = { type: 'list', member: NonEmptyString }
export const HiveJsonSerDe: StructureShape = {
  type: 'structure',
  members: { TimestampFormats: ListOfNonEmptyStrings },
}
export const Deserializer: StructureShape = {
  type: 'structure',
  members: { OpenXJsonSerDe: OpenXJsonSerDe, HiveJsonSerDe: HiveJsonSerDe },
}
export const InputFormatConfiguration: StructureShape = {
  type: 'structure',
  members: { Deserializer: Deserializer },
}
export const BlockSizeBytes: ScalarShape = { type: 'integer', min: 67108864 }
export const ParquetPageSizeBytes: ScalarShape = { type: 'integer', min: 65536 }
export const ParquetCompression: ScalarShape = { type: 'string', enum: ['UNCOMPRESSED', 'GZIP', 'SNAPPY'] }
export const NonNegativeIntegerObject: ScalarShape = { type: 'integer', min: 0 }
export const ParquetWriterVersion: ScalarShape = { type: 'string', enum: ['V1', 'V2'] }
export const ParquetSerDe: StructureShape = {
  type: 'structure',
  members: {
    BlockSizeBytes: BlockSizeBytes,
    PageSizeBytes: ParquetPageSizeBytes,
    Compression: ParquetCompression,
    EnableDictionaryCompression: BooleanObject,
    MaxPaddingBytes: NonNegativeIntegerObject,
    WriterVersion: ParquetWriterVersion,
  },
}
export const OrcStripeSizeBytes: ScalarShape = { type: 'integer', min: 8388608 }
export const OrcRowIndexStride: ScalarShape = { type: 'integer', min: 1000 }
export const Proportion: ScalarShape = { type: 'double', min: 0, max: 1 }
export const OrcCompression: ScalarShape = { type: 'string', enum: ['NONE', 'ZLIB', 'SNAPPY'] }
export const ListOfNonEmptyStringsWithoutWhitespace: ListShape = {
  type: 'list',
  member: NonEmptyStringWithoutWhitespace,
}
export const OrcFormatVersion: ScalarShape = { type: 'string', enum: ['V0_11', 'V0_12'] }
export const OrcSerDe: StructureShape = {
  type: 'structure',
  members: {
    StripeSizeBytes: OrcStripeSizeBytes,
    BlockSizeBytes: BlockSizeBytes,
    RowIndexStride: OrcRowIndexStride,
    EnablePadding: BooleanObject,
    PaddingTolerance: Proportion,
    Compression: OrcCompression,
    BloomFilterColumns: ListOfNonEmptyStringsWithoutWhitespace,
    BloomFilterFalsePositiveProbability: Proportion,
    DictionaryKeyThreshold: Proportion,
    FormatVersion: OrcFormatVersion,
  },
}
export const Serializer: StructureShape = {
  type: 'structure',
  members: { ParquetSerDe: ParquetSerDe, OrcSerDe: OrcSerDe },
}
export const OutputFormatConfiguration: StructureShape = {
  type: 'structure',
  members: { Serializer: Serializer },
}
export const DataFormatConversionConfiguration: StructureShape = {
  type: 'structure',
  members: {
    SchemaConfiguration: SchemaConfiguration,
    InputFormatConfiguration: InputFormatConfiguration,
    OutputFormatConfiguration: OutputFormatConfiguration,
    Enabled: BooleanObject,
  },
}
export const RetryDurationInSeconds: ScalarShape = { type: 'integer', min: 0, max: 7200 }
export const RetryOptions: StructureShape = {
  type: 'structure',
  members: { DurationInSeconds: RetryDurationInSeconds },
}
export const DynamicPartitioningConfiguration: StructureShape = {
  type: 'structure',
  members: { RetryOptions: RetryOptions, Enabled: BooleanObject },
}
export const FileExtension: ScalarShape = {
  type: 'string',
  pattern: "^$|\\.[0-9a-z!\\-_.*'()]+",
  minLength: 0,
  maxLength: 128,
}
export const CustomTimeZone: ScalarShape = {
  type: 'string',
  pattern: '^$|[a-zA-Z/_]+',
  minLength: 0,
  maxLength: 50,
}
export const ExtendedS3DestinationConfiguration: StructureShape = {
  type: 'structure',
  members: {
    RoleARN: { ...RoleARN, required: true },
    BucketARN: { ...BucketARN, required: true },
    Prefix: Prefix,
    ErrorOutputPrefix: ErrorOutputPrefix,
    BufferingHints: BufferingHints,
    CompressionFormat: CompressionFormat,
    EncryptionConfiguration: EncryptionConfiguration,
    CloudWatchLoggingOptions: CloudWatchLoggingOptions,
    ProcessingConfiguration: ProcessingConfiguration,
    S3BackupMode: S3BackupMode,
    S3BackupConfiguration: S3DestinationConfiguration,
    DataFormatConversionConfiguration: DataFormatConversionConfiguration,
    DynamicPartitioningConfiguration: DynamicPartitioningConfiguration,
    FileExtension: FileExtension,
    CustomTimeZone: CustomTimeZone,
  },
}
export const RedshiftDestinationConfiguration: StructureShape = { type: 'structure', members: {} }
export const ElasticsearchDestinationConfiguration: StructureShape = { type: 'structure', members: {} }
export const AmazonopensearchserviceDestinationConfiguration: StructureShape = {
  type: 'structure',
  members: {},
}
export const SplunkDestinationConfiguration: StructureShape = { type: 'structure', members: {} }
export const HttpEndpointUrl: ScalarShape = {
  type: 'string',
  pattern: 'https://.*',
  minLength: 1,
  maxLength: 1000,
}
export const HttpEndpointName: ScalarShape = {
  type: 'string',
  pattern: '^(?!\\s*$).+',
  minLength: 1,
  maxLength: 256,
}
export const HttpEndpointAccessKey: ScalarShape = {
  type: 'string',
  pattern: '.*',
  minLength: 0,
  maxLength: 4096,
}
export const HttpEndpointConfiguration: StructureShape = {
  type: 'structure',
  members: {
    Url: { ...HttpEndpointUrl, required: true },
    Name: HttpEndpointName,
    AccessKey: HttpEndpointAccessKey,
  },
}
export const HttpEndpointBufferingSizeInMBs: ScalarShape = { type: 'integer', min: 1, max: 64 }
export const HttpEndpointBufferingIntervalInSeconds: ScalarShape = { type: 'integer', min: 0, max: 900 }
export const HttpEndpointBufferingHints: StructureShape = {
  type: 'structure',
  members: {
    SizeInMBs: HttpEndpointBufferingSizeInMBs,
    IntervalInSeconds: HttpEndpointBufferingIntervalInSeconds,
  },
}
export const ContentEncoding: ScalarShape = { type: 'string', enum: ['NONE', 'GZIP'] }
export const HttpEndpointAttributeName: ScalarShape = {
  type: 'string',
  pattern: '^(?!\\s*$).+',
  minLength: 1,
  maxLength: 256,
}
export const HttpEndpointAttributeValue: ScalarShape = {
  type: 'string',
  pattern: '.*',
  minLength: 0,
  maxLength: 1024,
}
export const HttpEndpointCommonAttribute: StructureShape = {
  type: 'structure',
  members: {
    AttributeName: { ...HttpEndpointAttributeName, required: true },
    AttributeValue: { ...HttpEndpointAttributeValue, required: true },
  },
}
export const HttpEndpointCommonAttributesList: ListShape = {
  type: 'list',
  member: HttpEndpointCommonAttribute,
  minLength: 0,
  maxLength: 50,
}
export const HttpEndpointRequestConfiguration: StructureShape = {
  type: 'structure',
  members: { ContentEncoding: ContentEncoding, CommonAttributes: HttpEndpointCommonAttributesList },
}
export const HttpEndpointRetryDurationInSeconds: ScalarShape = { type: 'integer', min: 0, max: 7200 }
export const HttpEndpointRetryOptions: StructureShape = {
  type: 'structure',
  members: { DurationInSeconds: HttpEndpointRetryDurationInSeconds },
}
export const HttpEndpointS3BackupMode: ScalarShape = { type: 'string', enum: ['FailedDataOnly', 'AllData'] }
export const SecretARN: ScalarShape = {
  type: 'string',
  pattern: 'arn:.*:secretsmanager:[a-zA-Z0-9\\-]+:\\d{12}:secret:[a-zA-Z0-9\\-/_+=.@!]+',
  minLength: 1,
  maxLength: 2048,
}
export const SecretsManagerConfiguration: StructureShape = {
  type: 'structure',
  members: { SecretARN: SecretARN, RoleARN: RoleARN, Enabled: { ...BooleanObject, required: true } },
}
export const HttpEndpointDestinationConfiguration: StructureShape = {
  type: 'structure',
  members: {
    EndpointConfiguration: { ...HttpEndpointConfiguration, required: true },
    BufferingHints: HttpEndpointBufferingHints,
    CloudWatchLoggingOptions: CloudWatchLoggingOptions,
    RequestConfiguration: HttpEndpointRequestConfiguration,
    ProcessingConfiguration: ProcessingConfiguration,
    RoleARN: RoleARN,
    RetryOptions: HttpEndpointRetryOptions,
    S3BackupMode: HttpEndpointS3BackupMode,
    S3Configuration: { ...S3DestinationConfiguration, required: true },
    SecretsManagerConfiguration: SecretsManagerConfiguration,
  },
}
export const TagKey: ScalarShape = {
  type: 'string',
  pattern: '^(?!aws:)[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$',
  minLength: 1,
  maxLength: 128,
}
export const TagValue: ScalarShape = {
  type: 'string',
  pattern: '^[\\p{L}\\p{Z}\\p{N}_.:\\/=+\\-@%]*$',
  minLength: 0,
  maxLength: 256,
}
export const Tag: StructureShape = {
  type: 'structure',
  members: { Key: { ...TagKey, required: true }, Value: TagValue },
}
export const TagDeliveryStreamInputTagList: ListShape = {
  type: 'list',
  member: Tag,
  minLength: 1,
  maxLength: 50,
}
export const AmazonOpenSearchServerlessDestinationConfiguration: StructureShape = {
  type: 'structure',
  members: {},
}
export const MSKSourceConfiguration: StructureShape = { type: 'structure', members: {} }
export const SnowflakeDestinationConfiguration: StructureShape = { type: 'structure', members: {} }
export const IcebergDestinationConfiguration: StructureShape = { type: 'structure', members: {} }
export const DatabaseSourceConfiguration: StructureShape = { type: 'structure', members: {} }
export const CreateDeliveryStreamInput: StructureShape = {
  type: 'structure',
  members: {
    DeliveryStreamName: { ...DeliveryStreamName, required: true },
    DeliveryStreamType: DeliveryStreamType,
    DirectPutSourceConfiguration: DirectPutSourceConfiguration,
    KinesisStreamSourceConfiguration: KinesisStreamSourceConfiguration,
    DeliveryStreamEncryptionConfigurationInput: DeliveryStreamEncryptionConfigurationInput,
    S3DestinationConfiguration: S3DestinationConfiguration,
    ExtendedS3DestinationConfiguration: ExtendedS3DestinationConfiguration,
    RedshiftDestinationConfiguration: RedshiftDestinationConfiguration,
    ElasticsearchDestinationConfiguration: ElasticsearchDestinationConfiguration,
    AmazonopensearchserviceDestinationConfiguration: AmazonopensearchserviceDestinationConfiguration,
    SplunkDestinationConfiguration: SplunkDestinationConfiguration,
    HttpEndpointDestinationConfiguration: HttpEndpointDestinationConfiguration,
    Tags: TagDeliveryStreamInputTagList,
    AmazonOpenSearchServerlessDestinationConfiguration: AmazonOpenSearchServerlessDestinationConfiguration,
    MSKSourceConfiguration: MSKSourceConfiguration,
    SnowflakeDestinationConfiguration: SnowflakeDestinationConfiguration,
    IcebergDestinationConfiguration: IcebergDestinationConfiguration,
    DatabaseSourceConfiguration: DatabaseSourceConfiguration,
  },
}
export const DeliveryStreamVersionId: ScalarShape = {
  type: 'string',
  pattern: '[0-9]+',
  minLength: 1,
  maxLength: 50,
}
export const DestinationId: ScalarShape = {
  type: 'string',
  pattern: '[a-zA-Z0-9-]+',
  minLength: 1,
  maxLength: 100,
}
export const S3DestinationUpdate: StructureShape = {
  type: 'structure',
  members: {
    RoleARN: RoleARN,
    BucketARN: BucketARN,
    Prefix: Prefix,
    ErrorOutputPrefix: ErrorOutputPrefix,
    BufferingHints: BufferingHints,
    CompressionFormat: CompressionFormat,
    EncryptionConfiguration: EncryptionConfiguration,
    CloudWatchLoggingOptions: CloudWatchLoggingOptions,
  },
}
export const ExtendedS3DestinationUpdate: StructureShape = {
  type: 'structure',
  members: {
    RoleARN: RoleARN,
    BucketARN: BucketARN,
    Prefix: Prefix,
    ErrorOutputPrefix: ErrorOutputPrefix,
    BufferingHints: BufferingHints,
    CompressionFormat: CompressionFormat,
    EncryptionConfiguration: EncryptionConfiguration,
    CloudWatchLoggingOptions: CloudWatchLoggingOptions,
    ProcessingConfiguration: ProcessingConfiguration,
    S3BackupMode: S3BackupMode,
    S3BackupUpdate: S3DestinationUpdate,
    DataFormatConversionConfiguration: DataFormatConversionConfiguration,
    DynamicPartitioningConfiguration: DynamicPartitioningConfiguration,
    FileExtension: FileExtension,
    CustomTimeZone: CustomTimeZone,
  },
}
export const RedshiftDestinationUpdate: StructureShape = { type: 'structure', members: {} }
export const ElasticsearchDestinationUpdate: StructureShape = { type: 'structure', members: {} }
export const AmazonopensearchserviceDestinationUpdate: StructureShape = { type: 'structure', members: {} }
export const SplunkDestinationUpdate: StructureShape = { type: 'structure', members: {} }
export const HttpEndpointDestinationUpdate: StructureShape = {
  type: 'structure',
  members: {
    EndpointConfiguration: HttpEndpointConfiguration,
    BufferingHints: HttpEndpointBufferingHints,
    CloudWatchLoggingOptions: CloudWatchLoggingOptions,
    RequestConfiguration: HttpEndpointRequestConfiguration,
    ProcessingConfiguration: ProcessingConfiguration,
    RoleARN: RoleARN,
    RetryOptions: HttpEndpointRetryOptions,
    S3BackupMode: HttpEndpointS3BackupMode,
    S3Update: S3DestinationUpdate,
    SecretsManagerConfiguration: SecretsManagerConfiguration,
  },
}
export const AmazonOpenSearchServerlessDestinationUpdate: StructureShape = { type: 'structure', members: {} }
export const SnowflakeDestinationUpdate: StructureShape = { type: 'structure', members: {} }
export const IcebergDestinationUpdate: StructureShape = { type: 'structure', members: {} }
export const UpdateDestinationInput: StructureShape = {
  type: 'structure',
  members: {
    DeliveryStreamName: { ...DeliveryStreamName, required: true },
    CurrentDeliveryStreamVersionId: { ...DeliveryStreamVersionId, required: true },
    DestinationId: { ...DestinationId, required: true },
    S3DestinationUpdate: S3DestinationUpdate,
    ExtendedS3DestinationUpdate: ExtendedS3DestinationUpdate,
    RedshiftDestinationUpdate: RedshiftDestinationUpdate,
    ElasticsearchDestinationUpdate: ElasticsearchDestinationUpdate,
    AmazonopensearchserviceDestinationUpdate: AmazonopensearchserviceDestinationUpdate,
    SplunkDestinationUpdate: SplunkDestinationUpdate,
    HttpEndpointDestinationUpdate: HttpEndpointDestinationUpdate,
    AmazonOpenSearchServerlessDestinationUpdate: AmazonOpenSearchServerlessDestinationUpdate,
    SnowflakeDestinationUpdate: SnowflakeDestinationUpdate,
    IcebergDestinationUpdate: IcebergDestinationUpdate,
  },
}
export const Data: ScalarShape = { type: 'blob', minLength: 0, maxLength: 1024000 }
export const RecordShape: StructureShape = {
  type: 'structure',
  members: { Data: { ...Data, required: true } },
}
export const PutRecordBatchRequestEntryList: ListShape = {
  type: 'list',
  member: RecordShape,
  minLength: 1,
  maxLength: 500,
}
export const PutRecordBatchInput: StructureShape = {
  type: 'structure',
  members: {
    DeliveryStreamName: { ...DeliveryStreamName, required: true },
    Records: { ...PutRecordBatchRequestEntryList, required: true },
  },
}
export const PutRecordInput: StructureShape = {
  type: 'structure',
  members: {
    DeliveryStreamName: { ...DeliveryStreamName, required: true },
    Record: { ...RecordShape, required: true },
  },
}
export const ListTagsForDeliveryStreamInputLimit: ScalarShape = { type: 'integer', min: 1, max: 50 }
export const ListTagsForDeliveryStreamInput: StructureShape = {
  type: 'structure',
  members: {
    DeliveryStreamName: { ...DeliveryStreamName, required: true },
    ExclusiveStartTagKey: TagKey,
    Limit: ListTagsForDeliveryStreamInputLimit,
  },
}
export const TagKeyList: ListShape = { type: 'list', member: TagKey, minLength: 1, maxLength: 50 }
export const UntagDeliveryStreamInput: StructureShape = {
  type: 'structure',
  members: {
    DeliveryStreamName: { ...DeliveryStreamName, required: true },
    TagKeys: { ...TagKeyList, required: true },
  },
}
export const TagDeliveryStreamInput: StructureShape = {
  type: 'structure',
  members: {
    DeliveryStreamName: { ...DeliveryStreamName, required: true },
    Tags: { ...TagDeliveryStreamInputTagList, required: true },
  },
}
export const DescribeDeliveryStreamInputLimit: ScalarShape = { type: 'integer', min: 1, max: 10000 }
export const DescribeDeliveryStreamInput: StructureShape = {
  type: 'structure',
  members: {
    DeliveryStreamName: { ...DeliveryStreamName, required: true },
    Limit: DescribeDeliveryStreamInputLimit,
    ExclusiveStartDestinationId: DestinationId,
  },
}
export const ListDeliveryStreamsInputLimit: ScalarShape = { type: 'integer', min: 1, max: 10000 }
export const ListDeliveryStreamsInput: StructureShape = {
  type: 'structure',
  members: {
    Limit: ListDeliveryStreamsInputLimit,
    DeliveryStreamType: DeliveryStreamType,
    ExclusiveStartDeliveryStreamName: DeliveryStreamName,
  },
}
export const DeleteDeliveryStreamInput: StructureShape = {
  type: 'structure',
  members: { DeliveryStreamName: { ...DeliveryStreamName, required: true }, AllowForceDelete: BooleanObject },
}
export const StartDeliveryStreamEncryptionInput: StructureShape = {
  type: 'structure',
  members: {
    DeliveryStreamName: { ...DeliveryStreamName, required: true },
    DeliveryStreamEncryptionConfigurationInput: DeliveryStreamEncryptionConfigurationInput,
  },
}
export const StopDeliveryStreamEncryptionInput: StructureShape = {
  type: 'structure',
  members: { DeliveryStreamName: { ...DeliveryStreamName, required: true } },
}
