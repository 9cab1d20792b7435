/**
 * Translates a detector's RE2 regular expression (the `matches` operator,
 * searched anywhere in the text) into a Java regex for Cypher's `=~`, which
 * must match the whole string. Only a subset whose meaning is the same in
 * both engines is accepted: literals, escaped punctuation, `.`, `^`, `$`,
 * classes without nesting, \d \w \s and their negations, groups,
 * alternation, greedy and lazy quantifiers, and a leading (?i). Anything
 * else (POSIX classes, \b, \p{..}, other flags, named groups...) is refused.
 */

const PUNCT = new Set('\\.+*?()|[]{}^$-/#&~ \'"'.split(''));

/** Java regex equal in meaning to an RE2 search for `pattern`; calls unsupported(why) when it cannot be. */
export function translateRegex(pattern: string, unsupported: (why: string) => never): string {
  let out = '';
  let i = 0;
  let caseless = false;
  if (pattern.startsWith('(?i)')) {
    caseless = true;
    i = 4;
  }
  const bad = (what: string): never => unsupported(`regular expression construct ${what} in ${JSON.stringify(pattern)} is not supported in Cypher`);
  const escape = (c: string, inClass: boolean): string => {
    switch (c) {
      case 'd':
      case 'D':
      case 'w':
      case 'W':
        return `\\${c}`;
      // RE2 \s is [\t\n\f\r ]; Java's also has \x0B.
      case 's':
        return inClass ? '\\t\\n\\f\\r ' : '[\\t\\n\\f\\r ]';
      case 'S':
        if (inClass) return bad('\\S inside a class');
        return '[^\\t\\n\\f\\r ]';
      case 'n':
      case 't':
      case 'r':
      case 'f':
        return `\\${c}`;
      default:
        if (PUNCT.has(c)) return `\\${c}`;
        return bad(`\\${c}`);
    }
  };
  let depth = 0;
  while (i < pattern.length) {
    const c = pattern[i]!;
    if (c === '\\') {
      const n = pattern[i + 1];
      if (n === undefined) return bad('trailing \\');
      out += escape(n, false);
      i += 2;
    } else if (c === '[') {
      let j = i + 1;
      let cls = '[';
      if (pattern[j] === '^') {
        cls += '^';
        j++;
      }
      if (pattern[j] === ']') {
        cls += '\\]';
        j++;
      }
      for (; j < pattern.length && pattern[j] !== ']'; j++) {
        const d = pattern[j]!;
        if (d === '\\') {
          const n = pattern[++j];
          if (n === undefined) return bad('trailing \\');
          cls += escape(n, true);
        } else if (d === '[' && pattern[j + 1] === ':') return bad('[: (POSIX class)');
        else if (d === '[' || d === '&') cls += `\\${d}`;
        else cls += d;
      }
      if (j >= pattern.length) return bad('unterminated class');
      out += `${cls}]`;
      i = j + 1;
    } else if (c === '(') {
      if (pattern[i + 1] === '?') {
        if (pattern[i + 2] !== ':') return bad('(?');
        out += '(?:';
        i += 3;
      } else {
        out += '(';
        i++;
      }
      depth++;
    } else if (c === ')') {
      if (depth === 0) return bad('unbalanced )');
      depth--;
      out += ')';
      i++;
    } else if (c === '{') {
      const m = /^\{(\d+)(,(\d*))?\}/.exec(pattern.slice(i));
      if (!m) return bad('{ that is not a repetition');
      out += m[0];
      i += m[0].length;
    } else if (c === '.') {
      // RE2's . excludes only \n; Java's also excludes \r and Unicode line ends.
      out += '[^\\n]';
      i++;
    } else if (c === '$') {
      out += '(?![\\s\\S])';
      i++;
    } else if (c === '^') {
      out += '(?<![\\s\\S])';
      i++;
    } else if ('*+?|'.includes(c)) {
      out += c;
      i++;
    } else if (c === ']' || c === '}') {
      out += `\\${c}`;
      i++;
    } else {
      out += c;
      i++;
    }
  }
  if (depth !== 0) return bad('unbalanced (');
  return `(?s)${caseless ? '(?iu)' : ''}.*?(?:${out}).*`;
}
