import { z } from 'zod';

/** AICCS instance ids end up in API calls, logs and OSS keys: a strict character set keeps them inert. */
export const INSTANCE_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

/** An AICCS instance id, as every contract (filter, events, SDK arguments) and the config accept it. */
export const InstanceIdSchema = z
  .string()
  .regex(INSTANCE_ID_PATTERN, { message: 'expected an AICCS instance id such as ccc_xp_pre-cn-xxxx (letters, digits, "_", "." and "-", at most 64)' });
