// Image upload with progress. fetch cannot report upload progress, so this one call uses XMLHttpRequest; it follows
// authFetch's rules: the in-memory access token, and one renewal and retry after a 401.
import { ApiError, readProblem } from '../../../api/problem';
import { getSession, refreshSession } from '../../../api/session';
import type { ProductImage } from '../types';

/** The catalog's default Media:MaxUploadBytes; checked here only to spare a long upload, the service decides. */
export const maxUploadBytes = 5 * 1024 * 1024;
export const acceptedImageTypes = ['image/jpeg', 'image/png', 'image/webp'];

interface UploadRequest {
  productId: string;
  file: File;
  altText: string;
  /** 0…1 as the bytes leave the browser */
  onProgress: (fraction: number) => void;
}

interface RawResponse {
  status: number;
  body: string;
  contentType: string;
}

function send({ productId, file, altText, onProgress }: UploadRequest, token: string | undefined): Promise<RawResponse> {
  const form = new FormData();
  form.append('file', file);
  if (altText.trim()) form.append('altText', altText.trim());
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/admin/products/${encodeURIComponent(productId)}/images`);
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.upload.onprogress = (event) => {
      if (event.lengthComputable) onProgress(event.loaded / event.total);
    };
    xhr.onload = () => resolve({ status: xhr.status, body: xhr.responseText, contentType: xhr.getResponseHeader('content-type') ?? '' });
    // errorMessage() words a TypeError as "could not reach the shop", as it does for fetch.
    xhr.onerror = () => reject(new TypeError('The upload could not reach the server.'));
    xhr.send(form);
  });
}

export async function uploadProductImage(request: UploadRequest): Promise<ProductImage> {
  const session = getSession();
  let response = await send(request, session?.accessToken);
  if (response.status === 401 && session) {
    const renewed = await refreshSession();
    if (renewed) {
      request.onProgress(0);
      response = await send(request, renewed.accessToken);
    }
  }
  if (response.status < 200 || response.status >= 300) {
    const problem = await readProblem(new Response(response.body, { status: response.status, headers: { 'content-type': response.contentType } }));
    throw new ApiError(response.status, problem);
  }
  return JSON.parse(response.body) as ProductImage;
}
