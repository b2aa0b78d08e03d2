/**
 * A GET that follows its URL: when the URL (a function of runes) changes, the previous request
 * is aborted and a new one starts. `url` returning null means "nothing to load yet".
 */
import { ApiError, getJson } from './client';

export class Resource<T> {
  data = $state<T | undefined>(undefined);
  loading = $state(false);
  error = $state<ApiError | undefined>(undefined);

  constructor(url: () => string | null) {
    $effect(() => {
      const u = url();
      if (u === null) return;
      const ctrl = new AbortController();
      this.loading = true;
      this.error = undefined;
      // Rows of the previous URL would sit under the new URL's headings: drop them.
      this.data = undefined;
      getJson<T>(u, ctrl.signal).then(
        (d) => {
          if (ctrl.signal.aborted) return;
          this.data = d;
          this.loading = false;
        },
        (err: unknown) => {
          if (ctrl.signal.aborted) return;
          this.error = err instanceof ApiError ? err : new ApiError(0, '');
          this.loading = false;
        },
      );
      return () => ctrl.abort();
    });
  }
}
