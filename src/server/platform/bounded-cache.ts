/**
 * Answers of a pure computation, remembered by key up to a number of entries: reads repeat the same
 * work (every channel read renders the same fifty message bodies again, every ticket list measures
 * the same working days), and remembering is much cheaper than redoing it. When full, the oldest
 * entries go first; a key longer than `maxKeyLength` is computed every time and never kept, so long
 * texts cannot fill memory. Keep values immutable: every caller gets the same one.
 */
export class BoundedCache<Value> {
  private readonly entries = new Map<string, Value>();

  constructor(
    private readonly capacity: number,
    private readonly maxKeyLength = Number.POSITIVE_INFINITY,
  ) {}

  get(key: string, compute: () => Value): Value {
    if (key.length > this.maxKeyLength) return compute();
    const known = this.entries.get(key);
    if (known !== undefined || this.entries.has(key)) return known as Value;
    const value = compute();
    if (this.entries.size >= this.capacity) {
      // Maps keep insertion order: the first key is the oldest.
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, value);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }
}
