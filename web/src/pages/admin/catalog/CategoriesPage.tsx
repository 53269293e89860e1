import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../../../api/client';
import { ActionButton, Field, FormError, PageTitle, QueryView } from '../../../components/ui';
import { fieldError } from '../../../api/problem';
import { reloadWhenUnsure, useCanEdit } from '../hooks';
import type { CategoryNode } from '../types';
import { CategorySelect } from './CategorySelect';
import { subtreeIds, useAdminCategories, useCategoriesChanged } from './categories';

type SaveCategory = { name: string; slug: string | null; parentId: string | null; position: number; version?: number };

function NewCategoryForm({ tree }: { tree: CategoryNode[] }) {
  const changed = useCategoriesChanged();
  const [name, setName] = useState('');
  const [slug, setSlug] = useState('');
  const [parentId, setParentId] = useState('');
  const create = useMutation({
    mutationFn: (body: SaveCategory) => unwrap(catalogApi.POST('/api/v1/admin/categories', { body })),
    onSuccess: async () => {
      setName('');
      setSlug('');
      await changed();
    },
    onError: reloadWhenUnsure(changed),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate({ name: name.trim(), slug: slug.trim() || null, parentId: parentId || null, position: 0 });
  };
  return (
    <form className="form admin-panel" onSubmit={submit} aria-labelledby="new-category">
      <h2 id="new-category">New category</h2>
      <FormError error={create.error} />
      <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} error={fieldError(create.error, 'name')} />
      <Field
        label="Slug"
        hint="Optional: made from the name when left empty."
        value={slug}
        onChange={(e) => setSlug(e.target.value)}
        error={fieldError(create.error, 'slug')}
      />
      <CategorySelect
        label="Parent"
        tree={tree}
        noneLabel="None (top level)"
        value={parentId}
        onChange={(e) => setParentId(e.target.value)}
        error={fieldError(create.error, 'parentid')}
      />
      <button type="submit" className="button" disabled={create.isPending}>
        Create category
      </button>
    </form>
  );
}

function EditCategoryForm({ category, tree, onDone }: { category: CategoryNode; tree: CategoryNode[]; onDone: () => void }) {
  const changed = useCategoriesChanged();
  const [name, setName] = useState(category.name);
  const [parentId, setParentId] = useState(category.parentId ?? '');
  const [position, setPosition] = useState(String(category.position));
  const [version] = useState(category.version);
  const save = useMutation({
    mutationFn: (body: SaveCategory) => unwrap(catalogApi.PUT('/api/v1/admin/categories/{id}', { params: { path: { id: category.id } }, body })),
    onSuccess: async () => {
      await changed();
      onDone();
    },
    onError: reloadWhenUnsure(changed),
  });
  const submit = (event: FormEvent) => {
    event.preventDefault();
    // slug null keeps the current one: renaming does not break links to the category page. The version is the one this
    // form opened with: if someone changed the category meanwhile (moved it, say), the service refuses with 409 instead
    // of this form's older parent and name undoing that.
    save.mutate({ name: name.trim(), slug: null, parentId: parentId || null, position: Number(position), version });
  };
  return (
    <form className="form admin-inline-form" onSubmit={submit} aria-label={`Edit category ${category.name}`}>
      <FormError error={save.error} />
      <Field label="Name" value={name} onChange={(e) => setName(e.target.value)} required maxLength={100} error={fieldError(save.error, 'name')} />
      <CategorySelect
        label="Parent"
        tree={tree}
        noneLabel="None (top level)"
        exclude={subtreeIds(category)}
        value={parentId}
        onChange={(e) => setParentId(e.target.value)}
        error={fieldError(save.error, 'parentid')}
      />
      <Field
        label="Position"
        type="number"
        min={0}
        max={10000}
        step={1}
        required
        value={position}
        onChange={(e) => setPosition(e.target.value)}
        error={fieldError(save.error, 'position')}
      />
      <div className="button-row">
        <button type="submit" className="button small" disabled={save.isPending}>
          Save
        </button>
        <button type="button" className="button secondary small" onClick={onDone}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function CategoryItem({ category, tree }: { category: CategoryNode; tree: CategoryNode[] }) {
  const canEdit = useCanEdit();
  const changed = useCategoriesChanged();
  const [editing, setEditing] = useState(false);
  const remove = useMutation({
    mutationFn: () => unwrap(catalogApi.DELETE('/api/v1/admin/categories/{id}', { params: { path: { id: category.id } } })),
    onSuccess: changed,
    onError: reloadWhenUnsure(changed),
  });
  return (
    <li>
      <div className="category-row">
        <span>
          <strong>{category.name}</strong> <span className="muted">/{category.slug}</span>
        </span>
        {canEdit && !editing && (
          <span className="button-row">
            <button type="button" className="button secondary small" onClick={() => setEditing(true)} aria-label={`Edit category ${category.name}`}>
              Edit
            </button>
            <ActionButton
              className="button danger small"
              pending={remove.isPending}
              confirm={`Delete the category "${category.name}"?`}
              onAction={() => remove.mutate()}
              aria-label={`Delete category ${category.name}`}
            >
              Delete
            </ActionButton>
          </span>
        )}
      </div>
      <FormError error={remove.error} />
      {editing && <EditCategoryForm category={category} tree={tree} onDone={() => setEditing(false)} />}
      {category.children.length > 0 && <CategoryList nodes={category.children} tree={tree} />}
    </li>
  );
}

function CategoryList({ nodes, tree }: { nodes: CategoryNode[]; tree: CategoryNode[] }) {
  return (
    <ul className="category-tree">
      {nodes.map((node) => (
        <CategoryItem key={node.id} category={node} tree={tree} />
      ))}
    </ul>
  );
}

export function CategoriesPage() {
  const canEdit = useCanEdit();
  const categories = useAdminCategories();
  return (
    <>
      <PageTitle>Categories</PageTitle>
      <QueryView query={categories} isEmpty={(tree) => tree.length === 0} empty="There are no categories yet.">
        {(tree) => <CategoryList nodes={tree} tree={tree} />}
      </QueryView>
      {canEdit && categories.data && <NewCategoryForm tree={categories.data} />}
    </>
  );
}
