// An index over an array that tests and handlers may also change directly (push, splice): it
// takes in what was appended since it last looked, and starts again when anything else changed.
// It keeps a simulator with thousands of tickets from scanning every note or transaction on each
// call, without changing what any call answers.
export class ArrayIndex<T, K> {
  private readonly byKey = new Map<K, T[]>();
  private seen = 0;
  private last: T | undefined;

  constructor(
    private readonly items: () => T[],
    private readonly key: (item: T) => K,
  ) {}

  get(key: K): T[] {
    this.refresh();
    return this.byKey.get(key) ?? [];
  }

  private refresh() {
    const items = this.items();
    const appendedOnly = items.length >= this.seen && (this.seen === 0 || items[this.seen - 1] === this.last);
    if (!appendedOnly) {
      this.byKey.clear();
      this.seen = 0;
    }
    for (let i = this.seen; i < items.length; i++) {
      const k = this.key(items[i]!);
      const list = this.byKey.get(k);
      if (list) list.push(items[i]!);
      else this.byKey.set(k, [items[i]!]);
    }
    this.seen = items.length;
    this.last = items.at(-1);
  }
}
