/**
 * Fixed reference data for synthetic call records: agents, skill groups and
 * number formats that look like a small Chinese contact centre.
 */

/** One agent (坐席). */
export interface Agent {
  readonly id: string;
  readonly name: string;
  /** Index into {@link SKILL_GROUPS}. */
  readonly groupIndex: number;
}

/** One skill group (技能组). `id` is a decimal string: one id exceeds 2^53. */
export interface SkillGroup {
  readonly id: string;
  readonly name: string;
  /** Relative share of inbound and transfer calls routed to this group. */
  readonly weight: number;
}

/**
 * Skill groups. The last one has an id above 2^53 on purpose: pop-core parses
 * it into a BigNumber and clients must not lose digits.
 */
export const SKILL_GROUPS: readonly SkillGroup[] = [
  { id: '123401', name: '售前咨询组', weight: 24 },
  { id: '123402', name: '售后技能组', weight: 22 },
  { id: '123403', name: '投诉处理组', weight: 8 },
  { id: '123404', name: 'VIP专席组', weight: 7 },
  { id: '123405', name: '物流查询组', weight: 15 },
  { id: '123406', name: '退换货技能组', weight: 12 },
  { id: '123407', name: '技术支持组', weight: 9 },
  { id: '9007199254740993', name: '海外业务组', weight: 3 },
];

/** Id of the skill group whose id cannot be represented exactly as a double. */
export const BIG_GROUP_ID = '9007199254740993';

const AGENT_NAMES = [
  '王芳',
  '李娜',
  '张伟',
  '刘洋',
  '陈静',
  '杨敏',
  '赵磊',
  '黄丽',
  '周杰',
  '吴霞',
  '徐强',
  '孙婷',
  '胡军',
  '朱琳',
  '高峰',
  '林晓',
  '何平',
  '郭颖',
  '马超',
  '罗丹',
  '梁宇',
  '宋佳',
  '郑浩',
  '谢雪',
  '韩冰',
  '唐敏',
  '冯涛',
  '于洁',
  '董鹏',
  '萧雨',
  '程晨',
  '曹阳',
  '袁媛',
  '邓超',
  '许诺',
  '傅红',
  '沈青',
  '曾凡',
  '彭亮',
  '吕薇',
] as const;

/** 40 agents with ids 100201…100240, spread round-robin over the groups. */
export const AGENTS: readonly Agent[] = AGENT_NAMES.map((name, i) => ({
  id: String(100201 + i),
  name,
  groupIndex: i % SKILL_GROUPS.length,
}));

/** Agents of each skill group, indexed like {@link SKILL_GROUPS}. */
export const AGENTS_BY_GROUP: readonly (readonly Agent[])[] = SKILL_GROUPS.map((_, groupIndex) => AGENTS.filter((agent) => agent.groupIndex === groupIndex));

/** Display name AICCS gives members it cannot identify. */
export const ANONYMOUS_MEMBER_NAME = '匿名会员';

/** Surnames and given names combined into customer names. */
export const CUSTOMER_SURNAMES = ['王', '李', '张', '刘', '陈', '杨', '黄', '赵', '吴', '周', '徐', '孙', '马', '朱', '胡', '郭', '何', '高', '林', '罗'] as const;
export const CUSTOMER_GIVEN_NAMES = [
  '先生',
  '女士',
  '建国',
  '秀英',
  '桂兰',
  '志强',
  '海燕',
  '小红',
  '文博',
  '子涵',
  '雨欣',
  '浩然',
  '思远',
  '丽华',
  '国强',
  '春梅',
  '明',
  '静',
  '磊',
  '婷',
] as const;

/** Mobile prefixes used for masked customer numbers such as `1381234****`. */
export const MOBILE_PREFIXES = ['138', '139', '135', '136', '137', '150', '151', '152', '158', '159', '182', '186', '187', '188', '177', '199'] as const;

/** Landline area codes used for masked numbers such as `0571773****`. */
export const AREA_CODES = ['0571', '0108', '0215', '0755', '0203', '0512'] as const;

/** Hotline (service) numbers customers dial. */
export const HOTLINE_NUMBERS = ['0571773****', '4008206****', '0108866****'] as const;

/** Trunk numbers the platform routes calls through. */
export const TRUNK_NUMBERS = ['1861111****', '0571856****', '1706500****', '0215099****'] as const;
