export type MatchNeedlesParameters = {
  /** The needles: any strings, matched code unit by code unit (case as given). */
  needles: readonly string[];
  /** Texts searched for the needles anywhere in them, as `text.includes(needle)` says. */
  anywhereIn?: readonly string[] | undefined;
  /** A text searched for the needles on word boundaries, as `containsWord(text, needle)` says. */
  wordsIn?: string | undefined;
  /**
   * Bytes searched like `wordsIn`, read as Latin-1 and lowercased (as
   * `containsWord(Buffer.from(bytes).toString('latin1').toLowerCase(), needle)` says), without
   * making that string.
   */
  wordsInLatin1?: Uint8Array | undefined;
};

export type MatchNeedlesReturnType = {
  /** `anywhere[i]` is 1 when needle i occurs in one of the `anywhereIn` texts. */
  anywhere: Uint8Array;
  /** `words[i]` is 1 when needle i occurs on word boundaries in `wordsIn` or `wordsInLatin1`. */
  words: Uint8Array;
};

/** containsWord's word characters: ASCII digits and lowercase letters, and every code unit ≥ U+00C0. */
const isWordChar = (c: number) => (c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x7a) || c >= 0xc0;

/**
 * What `toLowerCase()` makes of each Latin-1 character: one Latin-1 character each (no Latin-1
 * character lowercases to more than one, or outside Latin-1), so a Latin-1 string lowercases
 * character by character.
 */
const LATIN1_LOWER: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let b = 0; b < 256; b++) t[b] = String.fromCharCode(b).toLowerCase().charCodeAt(0);
  return t;
})();

// The automaton is built in a scratch array kept between calls (grown when needed): a typed
// array costs more to allocate than a small header costs to search. One call builds, searches
// and returns; nothing outlives it, so calls cannot interfere (JavaScript runs one at a time).
// Node n's fields are at n * NODE + …: the code unit that leads into it, its first child and next
// sibling (a node's children are a linked list: most have one), its failure link (the longest
// proper suffix that is a node), the needle that ends at it (or −1), and its dictionary link (the
// nearest node down the failure chain where a needle ends, or −1).
const NODE = 6;
const UNIT = 0;
const CHILD = 1;
const SIBLING = 2;
const FAIL = 3;
const OUT = 4;
const DICT = 5;
let mem = new Int32Array(NODE * 1024);
let queue = new Int32Array(1024);
/** The root's moves: a table for Latin-1 code units (0: stay at the root), a map for the rest. */
const rootLatin1 = new Int32Array(256);
const rootOther = new Map<number, number>();

const rootMove = (c: number): number => (c < 256 ? (rootLatin1[c] as number) : (rootOther.get(c) ?? 0));

/** The automaton's move from a node by a code unit, following failure links. */
function step(m: Int32Array, node: number, c: number): number {
  for (let s = node; s !== 0; s = m[s * NODE + FAIL] as number) {
    for (let k = m[s * NODE + CHILD] as number; k >= 0; k = m[k * NODE + SIBLING] as number) {
      if (m[k * NODE + UNIT] === c) return k;
    }
  }
  return rootMove(c);
}

/**
 * Finds which of many needles occur in some texts, in one pass over each text, however many
 * needles there are: an Aho–Corasick automaton (a trie of the needles with failure links),
 * built in time linear in the needles' total length. Anywhere in a text (as `includes`), or on
 * word boundaries (as `containsWord`: a needle that starts or ends with a word character must not
 * continue a run of them).
 *
 * @example
 * const { words } = matchNeedles({ needles: ['smith', 'ann'], wordsIn: 'annotation by smith' });
 * // words: [1, 0]
 */
export function matchNeedles(p: MatchNeedlesParameters): MatchNeedlesReturnType {
  const needles = p.needles;
  const count = needles.length;
  const anywhere = new Uint8Array(count);
  const words = new Uint8Array(count);
  let total = 1;
  for (const n of needles) total += n.length;
  if (mem.length < total * NODE) {
    mem = new Int32Array(total * NODE * 2);
    queue = new Int32Array(total * 2);
  }
  const m = mem;
  const q = queue;
  const shape: NeedleShape = { length: [], wordStart: [], wordEnd: [] };
  // needles that repeat an earlier one (pairs: needle, earlier), and empty ones (in every text)
  const repeats: number[] = [];
  const empty: number[] = [];
  let nodes = 1;
  m[CHILD] = -1;
  m[OUT] = -1;
  m[DICT] = -1;
  m[FAIL] = 0;
  try {
    for (let i = 0; i < count; i++) {
      const needle = needles[i] as string;
      const n = needle.length;
      shape.length.push(n);
      shape.wordStart.push(n > 0 && isWordChar(needle.charCodeAt(0)));
      shape.wordEnd.push(n > 0 && isWordChar(needle.charCodeAt(n - 1)));
      if (n === 0) {
        empty.push(i);
        continue;
      }
      let node = 0;
      for (let j = 0; j < n; j++) {
        const c = needle.charCodeAt(j);
        let next = -1;
        if (node === 0) next = rootMove(c);
        else {
          for (let k = m[node * NODE + CHILD] as number; k >= 0; k = m[k * NODE + SIBLING] as number) {
            if (m[k * NODE + UNIT] === c) {
              next = k;
              break;
            }
          }
        }
        if (next <= 0) {
          next = nodes++;
          const b = next * NODE;
          m[b + UNIT] = c;
          m[b + CHILD] = -1;
          m[b + OUT] = -1;
          m[b + FAIL] = 0;
          if (node === 0) {
            m[b + SIBLING] = -1;
            if (c < 256) rootLatin1[c] = next;
            else rootOther.set(c, next);
          } else {
            m[b + SIBLING] = m[node * NODE + CHILD] as number;
            m[node * NODE + CHILD] = next;
          }
        }
        node = next;
      }
      const o = m[node * NODE + OUT] as number;
      if (o >= 0) repeats.push(i, o);
      else m[node * NODE + OUT] = i;
    }

    // failure links, breadth first from the root's children (whose failure is the root)
    let head = 0;
    let tail = 0;
    for (let k = 1; k < nodes; k++) if (rootMove(m[k * NODE + UNIT] as number) === k) q[tail++] = k;
    while (head < tail) {
      const node = q[head++] as number;
      const f = m[node * NODE + FAIL] as number;
      m[node * NODE + DICT] = (m[f * NODE + OUT] as number) >= 0 ? f : (m[f * NODE + DICT] as number);
      for (let k = m[node * NODE + CHILD] as number; k >= 0; k = m[k * NODE + SIBLING] as number) {
        m[k * NODE + FAIL] = step(m, f, m[k * NODE + UNIT] as number);
        q[tail++] = k;
      }
    }

    if (p.anywhereIn) for (const text of p.anywhereIn) searchAnywhere(m, text, anywhere);
    if (p.wordsIn !== undefined) searchWords(m, p.wordsIn, words, shape);
    if (p.wordsInLatin1) searchWordsLatin1(m, p.wordsInLatin1, words, shape);
  } finally {
    // leave the root's table empty for the next call
    for (let k = 1; k < nodes; k++) {
      const c = m[k * NODE + UNIT] as number;
      if (c < 256 && rootLatin1[c] === k) rootLatin1[c] = 0;
    }
    rootOther.clear();
  }
  for (let r = 0; r < repeats.length; r += 2) {
    const i = repeats[r] as number;
    const first = repeats[r + 1] as number;
    anywhere[i] = anywhere[first] as number;
    words[i] = words[first] as number;
  }
  for (const i of empty) {
    if (p.anywhereIn && p.anywhereIn.length > 0) anywhere[i] = 1;
    if (p.wordsIn !== undefined || p.wordsInLatin1) words[i] = 1;
  }
  return { anywhere, words };
}

/** What the word-boundary rule needs of each needle. */
type NeedleShape = { length: number[]; wordStart: boolean[]; wordEnd: boolean[] };

function searchAnywhere(m: Int32Array, text: string, found: Uint8Array): void {
  let s = 0;
  for (let i = 0; i < text.length; i++) {
    s = step(m, s, text.charCodeAt(i));
    const o = m[s * NODE + OUT] as number;
    for (let x = o >= 0 ? s : (m[s * NODE + DICT] as number); x >= 0; x = m[x * NODE + DICT] as number) {
      found[m[x * NODE + OUT] as number] = 1;
    }
  }
}

function searchWords(m: Int32Array, text: string, found: Uint8Array, shape: NeedleShape): void {
  const n = text.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    s = step(m, s, text.charCodeAt(i));
    const o = m[s * NODE + OUT] as number;
    for (let x = o >= 0 ? s : (m[s * NODE + DICT] as number); x >= 0; x = m[x * NODE + DICT] as number) {
      const k = m[x * NODE + OUT] as number;
      if (found[k]) continue;
      const start = i + 1 - (shape.length[k] as number);
      // a boundary is needed only where the needle itself starts or ends with a word character
      if (shape.wordStart[k] && start > 0 && isWordChar(text.charCodeAt(start - 1))) continue;
      if (shape.wordEnd[k] && i + 1 < n && isWordChar(text.charCodeAt(i + 1))) continue;
      found[k] = 1;
    }
  }
}

function searchWordsLatin1(m: Int32Array, bytes: Uint8Array, found: Uint8Array, shape: NeedleShape): void {
  const n = bytes.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const c = LATIN1_LOWER[bytes[i] as number] as number;
    // at the root, most bytes start no needle: skip them in a tight loop
    if (s === 0) {
      s = rootLatin1[c] as number;
      if (s === 0) continue;
    } else s = step(m, s, c);
    const o = m[s * NODE + OUT] as number;
    for (let x = o >= 0 ? s : (m[s * NODE + DICT] as number); x >= 0; x = m[x * NODE + DICT] as number) {
      const k = m[x * NODE + OUT] as number;
      if (found[k]) continue;
      const start = i + 1 - (shape.length[k] as number);
      if (shape.wordStart[k] && start > 0 && isWordChar(LATIN1_LOWER[bytes[start - 1] as number] as number))
        continue;
      if (shape.wordEnd[k] && i + 1 < n && isWordChar(LATIN1_LOWER[bytes[i + 1] as number] as number))
        continue;
      found[k] = 1;
    }
  }
}
