import type { SafetyIndicator } from '@anju/shared'

/**
 * The indicators a new deployment starts with: four primaries and ten secondaries. Counts are per grid a
 * month; the targets and limits are starting points for a city to tune (治理驾驶舱 → 平安指数 → 指标配置).
 */
export const DEFAULT_SAFETY_INDICATORS: SafetyIndicator[] = [
  { code: 'public_order', name: '治安', parentCode: null, weight: 35, direction: 'lower_better', source: null, categoryCodes: [], target: 0, limit: 1, explanation: '社会治安状况' },
  { code: 'traffic', name: '交通', parentCode: null, weight: 25, direction: 'lower_better', source: null, categoryCodes: [], target: 0, limit: 1, explanation: '道路交通安全' },
  { code: 'fire', name: '消防', parentCode: null, weight: 20, direction: 'lower_better', source: null, categoryCodes: [], target: 0, limit: 1, explanation: '消防安全' },
  { code: 'perception', name: '群众感受', parentCode: null, weight: 20, direction: 'higher_better', source: null, categoryCodes: [], target: 1, limit: 0, explanation: '群众对诉求办理的感受' },
  { code: 'homicide', name: '命案', parentCode: 'public_order', weight: 30, direction: 'lower_better', source: 'manual', categoryCodes: [], target: 0, limit: 0.05, explanation: '命案发案数（公安机关提供）' },
  { code: 'injury', name: '伤害案件', parentCode: 'public_order', weight: 25, direction: 'lower_better', source: 'manual', categoryCodes: [], target: 0, limit: 0.5, explanation: '故意伤害等伤害案件数（公安机关提供）' },
  { code: 'vice', name: '黄赌毒', parentCode: 'public_order', weight: 20, direction: 'lower_better', source: 'manual', categoryCodes: [], target: 0, limit: 0.5, explanation: '涉黄、涉赌、涉毒案件数（公安机关提供）' },
  { code: 'security_hazards', name: '治安隐患', parentCode: 'public_order', weight: 25, direction: 'lower_better', source: 'cases', categoryCodes: ['public_security', 'drug_clue'], target: 0, limit: 4, explanation: '群众反映的治安隐患和涉毒线索' },
  { code: 'traffic_accidents', name: '交通事故', parentCode: 'traffic', weight: 50, direction: 'lower_better', source: 'manual', categoryCodes: [], target: 0, limit: 1, explanation: '道路交通事故数（交警部门提供）' },
  { code: 'traffic_violations', name: '交通违法反映', parentCode: 'traffic', weight: 50, direction: 'lower_better', source: 'cases', categoryCodes: ['illegal_parking', 'thrown_from_vehicle'], target: 0, limit: 20, explanation: '群众举报的违章停车、车窗抛物' },
  { code: 'fires', name: '火灾事故', parentCode: 'fire', weight: 60, direction: 'lower_better', source: 'manual', categoryCodes: [], target: 0, limit: 0.3, explanation: '火灾起数（消防部门提供）' },
  { code: 'fire_hazards', name: '消防隐患', parentCode: 'fire', weight: 40, direction: 'lower_better', source: 'cases', categoryCodes: ['fire_safety', 'work_safety'], target: 0, limit: 6, explanation: '群众反映的消防和安全生产隐患' },
  { code: 'satisfaction', name: '满意率', parentCode: 'perception', weight: 60, direction: 'higher_better', source: 'satisfaction', categoryCodes: [], target: 0.95, limit: 0.6, explanation: '办结诉求中居民评价满意的比例' },
  { code: 'completion', name: '办结率', parentCode: 'perception', weight: 40, direction: 'higher_better', source: 'completion', categoryCodes: [], target: 0.95, limit: 0.6, explanation: '受理的诉求中已办结的比例' },
]
