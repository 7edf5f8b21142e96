// A connection read page by page: the first page when its key (a search's
// text, a filter) changes, the next on `loadMore` (the end of a list
// scrolling into view, or a "Show more" button). Each page's cursor is the
// gateway's, so the next page starts exactly after the last row shown.
import { useCallback, useEffect, useState } from "react";
import type { CombinedError } from "urql";

/** One page as the caller's query returned it. */
export interface Page<T, Extra> {
  items: T[];
  endCursor: string | null;
  hasNextPage: boolean;
  /** Whatever else the latest page says (a search's `interpretedAs`). */
  extra: Extra | null;
  error: CombinedError | undefined;
}

interface Pages<T, Extra> extends Page<T, Extra> {
  key: string;
  loading: boolean;
}

export interface Paged<T, Extra> {
  items: T[];
  extra: Extra | null;
  hasMore: boolean;
  loading: boolean;
  error: CombinedError | undefined;
  loadMore: () => void;
}

function nothing<T, Extra>(key: string, loading: boolean): Pages<T, Extra> {
  return { key, items: [], endCursor: null, hasNextPage: false, extra: null, error: undefined, loading };
}

/**
 * Pages of `fetchPage` for `key`; nothing is read while `key` is empty.
 * `fetchPage` must change exactly when `key` does (wrap it in `useCallback`).
 */
export function usePages<T, Extra = never>(
  key: string,
  fetchPage: (after: string | null) => Promise<Page<T, Extra>>,
): Paged<T, Extra> {
  const [pages, setPages] = useState<Pages<T, Extra>>(() => nothing("", false));

  const merge = useCallback(
    (after: string | null, page: Page<T, Extra>) =>
      setPages((p) => {
        if (after && p.key !== key) return p;
        const previous = after ? p.items : [];
        return { ...page, key, items: [...previous, ...page.items], loading: false };
      }),
    [key],
  );

  useEffect(() => {
    let current = true;
    if (key) {
      void fetchPage(null).then((page) => {
        if (current) merge(null, page);
      });
    }
    return () => {
      current = false;
    };
  }, [key, fetchPage, merge]);

  // Until the first page for a new key arrives, it is loading.
  const shown = pages.key === key ? pages : nothing<T, Extra>(key, key !== "");
  const { hasNextPage, loading, endCursor } = shown;
  const loadMore = useCallback(() => {
    if (!hasNextPage || loading) return;
    setPages((p) => ({ ...p, loading: true }));
    void fetchPage(endCursor).then((page) => merge(endCursor, page));
  }, [hasNextPage, loading, endCursor, fetchPage, merge]);

  return { items: shown.items, extra: shown.extra, hasMore: hasNextPage, loading, error: shown.error, loadMore };
}
