-- Spark SQL tables over the export (EMR Spark with JindoSDK; Hive metastore or DLF).
-- Generated from the record schema (version 1) by `npm run schema`; do not edit by hand.
-- One export prefix holds one format: point each table at a prefix written in its format.

-- Spark skips _manifest.json and other files whose names start with "_". Then: MSCK REPAIR TABLE <table>;
-- Times: Parquet carries instants; JSON and CSV carry ISO 8601 with an offset, which Spark's default timestampFormat parses to the same instant.

CREATE TABLE IF NOT EXISTS call_records_parquet (
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
  `passiveTransferIdType` STRING,
  `instance` STRING, `dt` STRING, `hour` STRING
)
USING parquet
PARTITIONED BY (`instance`, `dt`, `hour`)
LOCATION 'oss://<bucket>.oss-<region>-internal.aliyuncs.com/<prefix>/';

CREATE TABLE IF NOT EXISTS call_records_csv (
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
  `passiveTransferIdType` STRING,
  `instance` STRING, `dt` STRING, `hour` STRING
)
USING csv
OPTIONS (header 'true', quote '"', escape '"', multiLine 'true', mode 'FAILFAST')
PARTITIONED BY (`instance`, `dt`, `hour`)
LOCATION 'oss://<bucket>.oss-<region>-internal.aliyuncs.com/<prefix>/';

CREATE TABLE IF NOT EXISTS call_records_jsonl (
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
  `passiveTransferIdType` STRING,
  `instance` STRING, `dt` STRING, `hour` STRING
)
USING json
OPTIONS (mode 'FAILFAST')
PARTITIONED BY (`instance`, `dt`, `hour`)
LOCATION 'oss://<bucket>.oss-<region>-internal.aliyuncs.com/<prefix>/';
