// UTF-8 helpers the host's TextEncoder/TextDecoder do not give: exact encoded length before
// encoding, and where a chunk ends in the middle of a sequence (docs/protocol.md, "Raw mode").

/** Bytes `text` takes in UTF-8; a lone surrogate counts 3 (it is encoded as U+FFFD). */
export function utf8Length(text: string): number {
  let n = text.length;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) { n += 1; continue; }
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
      const d = text.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) { n += 2; i++; continue; } // a pair: 2 units, 4 bytes
    }
    n += 2;
  }
  return n;
}

/** UTF-16 units that the whole UTF-8 sequences in bytes[start, end) stand for: 2 for a 4-byte one, else 1. */
export function utf16Units(bytes: Uint8Array, start: number, end: number): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const b = bytes[i]!;
    if ((b & 0xc0) !== 0x80) n += b >= 0xf0 ? 2 : 1;
  }
  return n;
}

/**
 * How many bytes at the end of bytes[start, end) begin a UTF-8 sequence that is not complete
 * yet (0 to 3): they are held back for the next chunk. Invalid bytes are not held back — the
 * decoder turns them into U+FFFD now.
 */
export function incompleteTail(bytes: Uint8Array, start: number, end: number): number {
  const from = end - 3 > start ? end - 3 : start;
  for (let i = end - 1; i >= from; i--) {
    const b = bytes[i]!;
    if ((b & 0xc0) === 0x80) continue; // continuation byte: keep looking for the lead
    const need = b >= 0xf0 ? (b <= 0xf4 ? 4 : 1) : b >= 0xe0 ? 3 : b >= 0xc2 ? 2 : 1;
    return end - i < need ? end - i : 0;
  }
  return 0;
}
