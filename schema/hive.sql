-- Hive external tables over the export.
-- Generated from the record schema (version 1) by `npm run schema`; do not edit by hand.
-- One export prefix holds one format: point each table at a prefix written in its format.

-- Then: MSCK REPAIR TABLE <table>;

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
STORED AS PARQUET
LOCATION 'oss://<bucket>.oss-<region>-internal.aliyuncs.com/<prefix>/';

-- OpenCSVSerde reads every column as STRING whatever is declared; cast in the query (or use the Parquet table).
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
  `queueUpContinueTime` STRING,
  `ringContinueTime` STRING,
  `callContinueTime` STRING,
  `evaluationLevel` STRING,
  `evaluationScore` STRING,
  `hangUpRole` STRING,
  `activeTransferId` STRING,
  `passiveTransferId` STRING,
  `passiveTransferIdType` STRING
)
PARTITIONED BY (`instance` STRING, `dt` STRING, `hour` STRING)
ROW FORMAT SERDE 'org.apache.hadoop.hive.serde2.OpenCSVSerde'
WITH SERDEPROPERTIES ('separatorChar' = ',', 'quoteChar' = '"', 'escapeChar' = '"')
STORED AS TEXTFILE
TBLPROPERTIES ('skip.header.line.count' = '1')
LOCATION 'oss://<bucket>.oss-<region>-internal.aliyuncs.com/<prefix>/';

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
STORED AS TEXTFILE
LOCATION 'oss://<bucket>.oss-<region>-internal.aliyuncs.com/<prefix>/';
