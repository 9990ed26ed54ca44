// UTF-8 helpers the host's TextEncoder/TextDecoder do not give: how many characters an encoded
// prefix stands for, and where a chunk ends in the middle of a sequence (docs/protocol.md, "Raw mode").

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
