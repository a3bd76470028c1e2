/**
 * Reads a relay `/get` answer (`{"success":true,"data":{…node…}}`) as it arrives and hands
 * over the fields of its top-level `data` object one at a time, so an index node of 100,000
 * entries never exists whole in memory, neither as its JSON text (13 MB) nor as a parsed object
 * (about four times that). Everything else in the answer (`success`, `error`, …) is kept and
 * parsed at the end, with `data` left as `{}` when its fields were handed over.
 *
 * Only the text of one field is held at a time: the scanner tracks strings, escapes and
 * nesting to find where each field of `data` ends, and parses that field alone.
 */

export interface ScannedAnswer {
  /** The answer without the fields handed over (`data` is `{}` when they were). */
  body: unknown;
  /** Whether `data` was an object whose fields went to `onField`. */
  streamed: boolean;
}

export interface FieldScanner {
  /** Text of the answer, in order, in pieces of any size. */
  write(text: string): void;
  /** The rest of the answer; a SyntaxError when it is not whole JSON. */
  end(): ScannedAnswer;
}

const dataKey = /(?:^|[{,])\s*"data"\s*:\s*$/;

export function createFieldScanner(onField: (key: string, value: unknown) => void): FieldScanner {
  let depth = 0;
  let inString = false;
  let escaped = false;
  /** Inside the top-level `data` object (depth 2 is its fields' level). */
  let inData = false;
  let streamed = false;
  /** The answer outside `data`'s fields, and the text of the current field of `data`. */
  let outside = '';
  let field = '';

  /** A `,` came after the last field of `data`: another must follow. */
  let afterComma = false;
  const emit = (text: string, last: boolean) => {
    const blank = text.trim() === '';
    if (blank && (afterComma || !last)) throw new SyntaxError('an empty field in the relay answer');
    afterComma = !last;
    if (blank) return;
    const parsed = JSON.parse(`{${text}}`) as Record<string, unknown>;
    for (const [key, value] of Object.entries(parsed)) onField(key, value);
  };

  return {
    write(text) {
      let start = 0; // where the current piece of `outside` or `field` begins in `text`
      for (let i = 0; i < text.length; i++) {
        const c = text.charCodeAt(i);
        if (inString) {
          if (escaped) escaped = false;
          else if (c === 0x5c)
            escaped = true; // backslash
          else if (c === 0x22) inString = false; // quote
          continue;
        }
        if (c === 0x22) inString = true;
        else if (c === 0x7b || c === 0x5b) {
          // `{` or `[`
          if (
            c === 0x7b &&
            depth === 1 &&
            !inData &&
            !streamed &&
            dataKey.test((outside + text.slice(start, i)).slice(-256))
          ) {
            outside += text.slice(start, i + 1);
            start = i + 1;
            inData = true;
            streamed = true;
          }
          depth++;
        } else if (c === 0x7d || c === 0x5d) {
          // `}` or `]`
          if (inData && depth === 2) {
            emit(field + text.slice(start, i), true);
            field = '';
            start = i;
            inData = false;
          }
          depth--;
          if (depth < 0) throw new SyntaxError('unbalanced JSON in the relay answer');
        } else if (c === 0x2c && inData && depth === 2) {
          // `,` between two fields of `data`
          emit(field + text.slice(start, i), false);
          field = '';
          start = i + 1;
        }
      }
      if (inData) field += text.slice(start);
      else outside += text.slice(start);
    },
    end() {
      if (depth !== 0 || inString) throw new SyntaxError('the relay answer ended inside a value');
      return { body: outside.trim() === '' ? null : (JSON.parse(outside) as unknown), streamed };
    },
  };
}
