// Go's sort.SliceStable (insertion sort over blocks of 20, then SymMerge).
// strategicpatch sorts with a comparator that is not a strict weak order
// (items missing from the order list are "less" than everything), so only
// the very same algorithm yields the very same list order.

type Less<T> = (a: T, b: T) => boolean;

function swap<T>(xs: T[], i: number, j: number): void {
  const t = xs[i] as T;
  xs[i] = xs[j] as T;
  xs[j] = t;
}

function insertionSort<T>(xs: T[], less: Less<T>, a: number, b: number): void {
  for (let i = a + 1; i < b; i++) {
    for (let j = i; j > a && less(xs[j] as T, xs[j - 1] as T); j--) swap(xs, j, j - 1);
  }
}

function swapRange<T>(xs: T[], a: number, b: number, n: number): void {
  for (let i = 0; i < n; i++) swap(xs, a + i, b + i);
}

function rotate<T>(xs: T[], a: number, m: number, b: number): void {
  let i = m - a;
  let j = b - m;
  while (i !== j) {
    if (i > j) {
      swapRange(xs, m - i, m, j);
      i -= j;
    } else {
      swapRange(xs, m - i, m + j - i, i);
      j -= i;
    }
  }
  swapRange(xs, m - i, m, i);
}

function symMerge<T>(xs: T[], less: Less<T>, a: number, m: number, b: number): void {
  if (m - a === 1) {
    let i = m;
    let j = b;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (less(xs[h] as T, xs[a] as T)) i = h + 1;
      else j = h;
    }
    for (let k = a; k < i - 1; k++) swap(xs, k, k + 1);
    return;
  }
  if (b - m === 1) {
    let i = a;
    let j = m;
    while (i < j) {
      const h = (i + j) >>> 1;
      if (!less(xs[m] as T, xs[h] as T)) i = h + 1;
      else j = h;
    }
    for (let k = m; k > i; k--) swap(xs, k, k - 1);
    return;
  }
  const mid = (a + b) >>> 1;
  const n = mid + m;
  let start: number;
  let r: number;
  if (m > mid) {
    start = n - b;
    r = mid;
  } else {
    start = a;
    r = m;
  }
  const p = n - 1;
  while (start < r) {
    const c = (start + r) >>> 1;
    if (!less(xs[p - c] as T, xs[c] as T)) start = c + 1;
    else r = c;
  }
  const end = n - start;
  if (start < m && m < end) rotate(xs, start, m, end);
  if (a < start && start < mid) symMerge(xs, less, a, start, mid);
  if (mid < end && end < b) symMerge(xs, less, mid, end, b);
}

/** Sorts in place exactly as Go's sort.SliceStable does with the same comparator. */
export function goSliceStable<T>(xs: T[], less: Less<T>): void {
  const n = xs.length;
  let blockSize = 20;
  let a = 0;
  let b = blockSize;
  while (b <= n) {
    insertionSort(xs, less, a, b);
    a = b;
    b += blockSize;
  }
  insertionSort(xs, less, a, n);
  while (blockSize < n) {
    a = 0;
    b = 2 * blockSize;
    while (b <= n) {
      symMerge(xs, less, a, a + blockSize, b);
      a = b;
      b += 2 * blockSize;
    }
    const m = a + blockSize;
    if (m < n) symMerge(xs, less, a, m, n);
    blockSize *= 2;
  }
}
