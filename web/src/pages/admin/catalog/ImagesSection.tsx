import { useState, type FormEvent } from 'react';
import { useMutation } from '@tanstack/react-query';
import { catalogApi, unwrap } from '../../../api/client';
import { ActionButton, Field, FormError } from '../../../components/ui';
import { fieldError } from '../../../api/problem';
import { reloadWhenUnsure, useCanEdit } from '../hooks';
import type { ProductDetail, ProductImage } from '../types';
import { useProductChanged } from './products';
import { acceptedImageTypes, maxUploadBytes, uploadProductImage } from './uploadImage';

function UploadForm({ product }: { product: ProductDetail }) {
  const changed = useProductChanged(product.id);
  const [file, setFile] = useState<File | null>(null);
  const [altText, setAltText] = useState('');
  const [progress, setProgress] = useState(0);
  const [fileError, setFileError] = useState<string>();
  const [formKey, setFormKey] = useState(0);
  const upload = useMutation({
    mutationFn: (chosen: File) => uploadProductImage({ productId: product.id, file: chosen, altText, onProgress: setProgress }),
    onSuccess: async () => {
      setFile(null);
      setAltText('');
      setFormKey((k) => k + 1); // a file input cannot be cleared by state: remount it
      await changed();
    },
    onError: reloadWhenUnsure(changed),
  });

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const problem = !file
      ? 'Choose an image to upload.'
      : !acceptedImageTypes.includes(file.type)
        ? 'Upload a JPEG, PNG or WebP image.'
        : file.size > maxUploadBytes
          ? `Images may be at most ${maxUploadBytes / (1024 * 1024)} MB.`
          : undefined;
    setFileError(problem);
    if (problem || !file) return;
    setProgress(0);
    upload.mutate(file);
  };

  const percent = Math.round(progress * 100);
  return (
    <form className="form admin-panel" onSubmit={submit} aria-labelledby="upload-heading" noValidate>
      <h3 id="upload-heading">Upload an image</h3>
      <FormError error={upload.error} />
      <Field
        key={formKey}
        label="Image file"
        type="file"
        accept={acceptedImageTypes.join(',')}
        hint={`JPEG, PNG or WebP, at most ${maxUploadBytes / (1024 * 1024)} MB.`}
        onChange={(e) => setFile(e.target.files?.[0] ?? null)}
        error={fileError ?? fieldError(upload.error, 'file')}
      />
      <Field
        label="Alt text"
        value={altText}
        maxLength={300}
        onChange={(e) => setAltText(e.target.value)}
        hint="What the image shows, for people who cannot see it. Defaults to the product name."
        error={fieldError(upload.error, 'altText')}
      />
      {upload.isPending && (
        <div className="upload-progress">
          <label htmlFor="upload-progress">Uploading: {percent}%</label>
          <progress id="upload-progress" max={100} value={percent}>
            {percent}%
          </progress>
        </div>
      )}
      <button type="submit" className="button" disabled={upload.isPending}>
        Upload image
      </button>
    </form>
  );
}

function ImageCard({ product, image, number, canEdit }: { product: ProductDetail; image: ProductImage; number: number; canEdit: boolean }) {
  const changed = useProductChanged(product.id);
  const [altText, setAltText] = useState(image.altText);
  const path = { productId: product.id, imageId: image.id };
  const save = useMutation({
    mutationFn: () =>
      unwrap(catalogApi.PUT('/api/v1/admin/products/{productId}/images/{imageId}', { params: { path }, body: { altText, position: image.position } })),
    onSuccess: () => changed(),
    onError: reloadWhenUnsure(changed),
  });
  const remove = useMutation({
    mutationFn: () => unwrap(catalogApi.DELETE('/api/v1/admin/products/{productId}/images/{imageId}', { params: { path } })),
    onSuccess: () => changed(),
    onError: reloadWhenUnsure(changed),
  });
  const label = `image ${number}`;
  return (
    <li className="card admin-image">
      <img src={image.url} alt={image.altText} loading="lazy" />
      {canEdit ? (
        <form
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <FormError error={save.error ?? remove.error} />
          <Field label={`Alt text of ${label}`} value={altText} maxLength={300} onChange={(e) => setAltText(e.target.value)} error={fieldError(save.error, 'altText')} />
          <div className="button-row">
            <button type="submit" className="button small" disabled={save.isPending || altText === image.altText} aria-label={`Save alt text of ${label}`}>
              Save
            </button>
            <ActionButton
              className="button danger small"
              pending={remove.isPending}
              confirm="Delete this image? It disappears from the product page."
              onAction={() => remove.mutate()}
              aria-label={`Delete ${label}`}
            >
              Delete
            </ActionButton>
          </div>
        </form>
      ) : (
        <p>{image.altText}</p>
      )}
    </li>
  );
}

export function ImagesSection({ product }: { product: ProductDetail }) {
  const canEdit = useCanEdit();
  const images = [...product.images].sort((a, b) => a.position - b.position);
  return (
    <section aria-labelledby="images-heading">
      <h2 id="images-heading">Images</h2>
      {images.length === 0 ? (
        <p className="muted">No images yet.</p>
      ) : (
        <ul className="cards admin-images">
          {images.map((image, index) => (
            <ImageCard key={image.id} product={product} image={image} number={index + 1} canEdit={canEdit} />
          ))}
        </ul>
      )}
      {canEdit && <UploadForm product={product} />}
    </section>
  );
}
