-- MaxCompute external tables over the export (OSS).
-- Generated from the record schema (version 1) by `npm run schema`; do not edit by hand.
-- One export prefix holds one format: point each table at a prefix written in its format.

-- Then register partitions: MSCK REPAIR TABLE <table> ADD PARTITIONS; (or ALTER TABLE <table> ADD IF NOT EXISTS PARTITION (instance='…', dt='…', hour='…');)

-- Parquet (recommended): typed columns, times as TIMESTAMP instants.
CREATE EXTERNAL TABLE IF NOT EXISTS call_records_parquet (
  `instanceId` STRING,
  `id` STRING,
  `acid` STRING,
  `callType` STRING,
  `callResult` STRING,
  `callingNumber` STRING,
  `calledNumber` STRING,
  `trunkCall` STRING,
  `groupId` STRING,
  `groupName` STRING,
  `servicerId` STRING,
  `servicerName` STRING,
  `memberId` STRING,
  `memberName` STRING,
  `createTime` TIMESTAMP,
  `inQueueTime` TIMESTAMP,
  `outQueueTime` TIMESTAMP,
  `ringStartTime` TIMESTAMP,
  `ringEndTime` TIMESTAMP,
  `pickUpTime` TIMESTAMP,
  `hangUpTime` TIMESTAMP,
  `queueUpContinueTime` BIGINT,
  `ringContinueTime` BIGINT,
  `callContinueTime` BIGINT,
  `evaluationLevel` BIGINT,
  `evaluationScore` BIGINT,
  `hangUpRole` STRING,
  `activeTransferId` STRING,
  `passiveTransferId` STRING,
  `passiveTransferIdType` STRING
)
PARTITIONED BY (`instance` STRING, `dt` STRING, `hour` STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.ql.io.parquet.serde.ParquetHiveSerDe'
WITH SERDEPROPERTIES ('odps.properties.rolearn'='acs:ram::<uid>:role/aliyunodpsdefaultrole')
STORED AS PARQUET
LOCATION 'oss://oss-<region>-internal.aliyuncs.com/<bucket>/<prefix>/';

-- CSV (gzip): the built-in reader needs gzip input enabled and the header row skipped. Times are ISO 8601 strings with an offset.
CREATE EXTERNAL TABLE IF NOT EXISTS call_records_csv (
  `instanceId` STRING,
  `id` STRING,
  `acid` STRING,
  `callType` STRING,
  `callResult` STRING,
  `callingNumber` STRING,
  `calledNumber` STRING,
  `trunkCall` STRING,
  `groupId` STRING,
  `groupName` STRING,
  `servicerId` STRING,
  `servicerName` STRING,
  `memberId` STRING,
  `memberName` STRING,
  `createTime` STRING,
  `inQueueTime` STRING,
  `outQueueTime` STRING,
  `ringStartTime` STRING,
  `ringEndTime` STRING,
  `pickUpTime` STRING,
  `hangUpTime` STRING,
  `queueUpContinueTime` BIGINT,
  `ringContinueTime` BIGINT,
  `callContinueTime` BIGINT,
  `evaluationLevel` BIGINT,
  `evaluationScore` BIGINT,
  `hangUpRole` STRING,
  `activeTransferId` STRING,
  `passiveTransferId` STRING,
  `passiveTransferIdType` STRING
)
PARTITIONED BY (`instance` STRING, `dt` STRING, `hour` STRING)
STORED BY 'com.aliyun.odps.CsvStorageHandler'
WITH SERDEPROPERTIES ('odps.properties.rolearn'='acs:ram::<uid>:role/aliyunodpsdefaultrole', 'odps.text.option.gzip.input.enabled'='true', 'odps.text.option.header.lines.count'='1')
LOCATION 'oss://oss-<region>-internal.aliyuncs.com/<bucket>/<prefix>/';

-- JSON Lines (gzip): JSON tables take no TIMESTAMP columns, so times are strings; whether gzip is read by extension is unconfirmed.
CREATE EXTERNAL TABLE IF NOT EXISTS call_records_jsonl (
  `instanceId` STRING,
  `id` STRING,
  `acid` STRING,
  `callType` STRING,
  `callResult` STRING,
  `callingNumber` STRING,
  `calledNumber` STRING,
  `trunkCall` STRING,
  `groupId` STRING,
  `groupName` STRING,
  `servicerId` STRING,
  `servicerName` STRING,
  `memberId` STRING,
  `memberName` STRING,
  `createTime` STRING,
  `inQueueTime` STRING,
  `outQueueTime` STRING,
  `ringStartTime` STRING,
  `ringEndTime` STRING,
  `pickUpTime` STRING,
  `hangUpTime` STRING,
  `queueUpContinueTime` BIGINT,
  `ringContinueTime` BIGINT,
  `callContinueTime` BIGINT,
  `evaluationLevel` BIGINT,
  `evaluationScore` BIGINT,
  `hangUpRole` STRING,
  `activeTransferId` STRING,
  `passiveTransferId` STRING,
  `passiveTransferIdType` STRING
)
PARTITIONED BY (`instance` STRING, `dt` STRING, `hour` STRING)
ROW FORMAT SERDE 'org.apache.hive.hcatalog.data.JsonSerDe'
WITH SERDEPROPERTIES ('odps.properties.rolearn'='acs:ram::<uid>:role/aliyunodpsdefaultrole')
STORED AS TEXTFILE
LOCATION 'oss://oss-<region>-internal.aliyuncs.com/<bucket>/<prefix>/';
