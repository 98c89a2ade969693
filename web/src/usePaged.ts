import { useCallback, useEffect, useRef, useState } from 'react';
import { api, ApiError, type Page } from './api';

export interface Paged<T> {
  items: T[];
  loading: boolean;
  error: ApiError | null;
  hasMore: boolean;
  loadMore: () => void;
  reload: () => void;
  /** Change the loaded items locally (a created or changed row) without a round trip. */
  setItems: (update: (items: T[]) => T[]) => void;
}

/** A cursor-paged list (`{items, nextCursor}`), reloaded whenever the query changes. */
export function usePaged<T>(path: string, query: Record<string, string | number | undefined>, limit = 50): Paged<T> {
  const key = JSON.stringify(query);
  const [items, setItemsState] = useState<T[]>([]);
  const [cursor, setCursor] = useState<string | null>(null);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<ApiError | null>(null);
  const [generation, setGeneration] = useState(0);
  const abort = useRef<AbortController | null>(null);

  const fetchPage = useCallback(
    async (after: string | null) => {
      abort.current?.abort();
      const ctrl = new AbortController();
      abort.current = ctrl;
      setLoading(true);
      setError(null);
      try {
        const page = await api<Page<T>>(path, { query: { ...JSON.parse(key), limit, cursor: after ?? undefined }, signal: ctrl.signal });
        if (ctrl.signal.aborted) return;
        setItemsState((prev) => (after ? [...prev, ...page.items] : page.items));
        setCursor(page.nextCursor);
      } catch (e) {
        if (ctrl.signal.aborted) return;
        setError(e instanceof ApiError ? e : new ApiError(0, 'NETWORK_ERROR', String(e)));
      } finally {
        if (!ctrl.signal.aborted) setLoading(false);
      }
    },
    [path, key, limit],
  );

  useEffect(() => {
    setItemsState([]);
    setCursor(null);
    void fetchPage(null);
    return () => abort.current?.abort();
  }, [fetchPage, generation]);

  return {
    items,
    loading,
    error,
    hasMore: cursor !== null,
    loadMore: () => cursor && void fetchPage(cursor),
    reload: () => setGeneration((g) => g + 1),
    setItems: (update) => setItemsState(update),
  };
}
