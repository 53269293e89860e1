import type { SelectHTMLAttributes } from 'react';
import { SelectField } from '../../../components/ui';
import type { CategoryNode } from '../types';
import { flattenCategories } from './categories';

interface CategorySelectProps extends Omit<SelectHTMLAttributes<HTMLSelectElement>, 'children'> {
  label: string;
  tree: CategoryNode[];
  /** the option for "no category", e.g. "None (top level)"; without it a category must be chosen */
  noneLabel?: string;
  /** ids that cannot be chosen, e.g. a category and its subtree when moving it */
  exclude?: Set<string>;
  error?: string;
}

/** The category tree as one select, indented by depth. */
export function CategorySelect({ tree, noneLabel, exclude, ...select }: CategorySelectProps) {
  return (
    <SelectField {...select}>
      <option value="">{noneLabel ?? 'Choose a category'}</option>
      {flattenCategories(tree)
        .filter(({ node }) => !exclude?.has(node.id))
        .map(({ node, depth }) => (
          <option key={node.id} value={node.id}>
            {'\u2003'.repeat(depth)}
            {node.name}
          </option>
        ))}
    </SelectField>
  );
}
