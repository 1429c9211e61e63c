/**
 * Fast conversion of the API's zone-less `yyyy-MM-dd HH:mm:ss` strings into
 * ISO 8601 with an explicit offset. Intl is slow (~µs per call), so offsets
 * are cached per local hour: records of one page share a handful of hours.
 */

const MAX_CACHED_HOURS = 50_000;

export interface ZoneConverter {
  readonly zone: string;
  /** `2020-10-02 22:32:55` (or `T`-separated, optional `.SSS`) → `2020-10-02T22:32:55+08:00`; undefined when unparseable. */
  localToIso(local: string): string | undefined;
  /** Epoch ms → ISO 8601 in this zone with offset. */
  epochToIso(epochMs: number): string;
  /** Offset in minutes east of UTC at an instant. */
  offsetAt(epochMs: number): number;
}

const converters = new Map<string, ZoneConverter>();

/** One converter per zone, shared by every caller. */
export function zoneConverter(zone: string): ZoneConverter {
  let converter = converters.get(zone);
  if (!converter) {
    converter = createZoneConverter(zone);
    converters.set(zone, converter);
  }
  return converter;
}

function createZoneConverter(zone: string): ZoneConverter {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric',
    month: 'numeric',
    day: 'numeric',
    hour: 'numeric',
    minute: 'numeric',
    second: 'numeric',
  });
  const offsetByUtcHour = new Map<number, number>();
  const offsetByLocalHour = new Map<number, number>();
  const suffixByLocalHour = new Map<number, string>();

  const offsetAt = (epochMs: number): number => {
    const hourKey = Math.floor(epochMs / 3_600_000);
    let offset = offsetByUtcHour.get(hourKey);
    if (offset === undefined) {
      // Offsets change on whole quarter hours at most; sample the exact instant.
      const parts = format.formatToParts(new Date(epochMs));
      const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
      const asUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
      offset = Math.round((asUtc - Math.floor(epochMs / 1000) * 1000) / 60_000);
      if (offsetByUtcHour.size > MAX_CACHED_HOURS) offsetByUtcHour.clear();
      // Only cache when the whole hour has one offset (DST switches mid-hour are rare but exist).
      if (sameOffsetAcrossHour(hourKey, offset)) offsetByUtcHour.set(hourKey, offset);
    }
    return offset;
  };

  const sameOffsetAcrossHour = (hourKey: number, offset: number): boolean => {
    const end = hourKey * 3_600_000 + 3_599_000;
    const parts = format.formatToParts(new Date(end));
    const field = (type: string) => Number(parts.find((part) => part.type === type)?.value);
    const asUtc = Date.UTC(field('year'), field('month') - 1, field('day'), field('hour'), field('minute'), field('second'));
    return Math.round((asUtc - end) / 60_000) === offset;
  };

  /** Offset for a wall-clock time; in a DST overlap the earlier instant wins, in a gap the time moves forward. */
  const offsetForLocal = (localAsUtc: number): number => {
    const hourKey = Math.floor(localAsUtc / 3_600_000);
    const cached = offsetByLocalHour.get(hourKey);
    if (cached !== undefined) return cached;
    const first = offsetAt(localAsUtc - offsetAt(localAsUtc) * 60_000);
    const second = offsetAt(localAsUtc - first * 60_000);
    const offset = Math.max(first, second);
    const stable = offsetAt(hourKey * 3_600_000 - offset * 60_000) === offset && offsetAt(hourKey * 3_600_000 + 3_599_000 - offset * 60_000) === offset;
    if (stable) {
      if (offsetByLocalHour.size > MAX_CACHED_HOURS) offsetByLocalHour.clear();
      offsetByLocalHour.set(hourKey, offset);
    }
    return offset;
  };

  return {
    zone,
    offsetAt,
    localToIso(local) {
      const fields = parseLocal(local);
      if (!fields) return undefined;
      let suffix = suffixByLocalHour.get(fields.hourKey);
      if (suffix === undefined) {
        const asUtc = Date.UTC(fields.year, fields.month - 1, fields.day, fields.hour, fields.minute, fields.second);
        suffix = formatOffset(offsetForLocal(asUtc));
        // Only hours with a single offset are cached (offsetForLocal caches under the same rule).
        if (offsetByLocalHour.has(Math.floor(asUtc / 3_600_000))) {
          if (suffixByLocalHour.size > MAX_CACHED_HOURS) suffixByLocalHour.clear();
          suffixByLocalHour.set(fields.hourKey, suffix);
        }
      }
      return fields.separator === 84 && local.length === 19 ? `${local}${suffix}` : `${local.slice(0, 10)}T${local.slice(11, 19)}${suffix}`;
    },
    epochToIso(epochMs) {
      const offset = offsetAt(epochMs);
      const shifted = new Date(Math.floor(epochMs / 1000) * 1000 + offset * 60_000).toISOString();
      return `${shifted.slice(0, 19)}${formatOffset(offset)}`;
    },
  };
}

const offsetStrings = new Map<number, string>();

function formatOffset(minutes: number): string {
  let text = offsetStrings.get(minutes);
  if (text === undefined) {
    const sign = minutes < 0 ? '-' : '+';
    const abs = Math.abs(minutes);
    text = `${sign}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
    offsetStrings.set(minutes, text);
  }
  return text;
}

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

interface LocalFields {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** yyyyMMddHH as a number: the cache key for an hour of wall-clock time. */
  hourKey: number;
  separator: number;
}

/** Parses `yyyy-MM-dd[ T]HH:mm:ss[.SSS]` by char codes (no regex, no Date parsing: this runs 7× per record). */
function parseLocal(text: string): LocalFields | undefined {
  const length = text.length;
  if (length !== 19 && !(length === 23 && text.charCodeAt(19) === 46)) return undefined;
  const separator = text.charCodeAt(10);
  if (text.charCodeAt(4) !== 45 || text.charCodeAt(7) !== 45 || (separator !== 32 && separator !== 84)) return undefined;
  if (text.charCodeAt(13) !== 58 || text.charCodeAt(16) !== 58) return undefined;
  const year = digits(text, 0, 4);
  const month = digits(text, 5, 2);
  const day = digits(text, 8, 2);
  const hour = digits(text, 11, 2);
  const minute = digits(text, 14, 2);
  const second = digits(text, 17, 2);
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  const maxDay = month === 2 && !isLeapYear(year) ? 28 : (DAYS_IN_MONTH[month - 1] ?? 31);
  if (day > maxDay) return undefined;
  if (length === 23 && digits(text, 20, 3) < 0) return undefined;
  return { year, month, day, hour, minute, second, hourKey: ((year * 100 + month) * 100 + day) * 100 + hour, separator };
}

function digits(text: string, start: number, count: number): number {
  let value = 0;
  for (let i = start; i < start + count; i++) {
    const code = text.charCodeAt(i) - 48;
    if (code < 0 || code > 9) return -1;
    value = value * 10 + code;
  }
  return value;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}
