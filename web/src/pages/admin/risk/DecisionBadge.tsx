import { humanize } from '../../../format';

const tone: Record<string, string> = { approve: 'ok', review: 'warn', decline: 'bad' };

export function DecisionBadge({ decision }: { decision: string }) {
  return <span className={`badge badge-${tone[decision] ?? 'info'}`}>{humanize(decision)}</span>;
}
