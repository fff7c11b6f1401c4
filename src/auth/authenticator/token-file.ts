import { readFile } from 'node:fs/promises';
import type { UserInfo } from '../user.js';
import type { TokenAuthenticator, TokenResponse } from './token.js';

/** A --token-auth-file that cannot be used: start-up stops with this message. */
export class TokenFileError extends Error {}

/**
 * kube's tokenfile authenticator: a CSV of `token,user,uid[,"group1,group2"]`,
 * read once at start. A token found names its user; any other token is not
 * this authenticator's (null).
 */
export class TokenFileAuthenticator implements TokenAuthenticator {
  private constructor(private readonly tokens: Map<string, UserInfo>) {}

  static async fromFile(path: string, onWarning: (msg: string) => void = () => undefined): Promise<TokenFileAuthenticator> {
    let content: string;
    try {
      content = await readFile(path, 'utf8');
    } catch (err) {
      throw new TokenFileError(`failed to read token file ${JSON.stringify(path)}: ${(err as Error).message}`);
    }
    return new TokenFileAuthenticator(parseTokenFile(content, path, onWarning));
  }

  static fromCSV(content: string, path = 'tokens.csv'): TokenFileAuthenticator {
    return new TokenFileAuthenticator(parseTokenFile(content, path, () => undefined));
  }

  authenticateToken(token: string): TokenResponse | null {
    const user = this.tokens.get(token);
    return user ? { user: structuredClone(user), audiences: [] } : null;
  }
}

/** token → user. Records with an empty token are skipped; a repeated token is warned about and the later one wins. */
export function parseTokenFile(content: string, path: string, onWarning: (msg: string) => void): Map<string, UserInfo> {
  const tokens = new Map<string, UserInfo>();
  const records = parseCSV(content.replace(/^\uFEFF/, ''), path);
  records.forEach((record, i) => {
    const n = i + 1;
    if (record.length < 3) {
      throw new TokenFileError(`token file '${path}' must have at least 3 columns (token, user name, user uid), found ${record.length}`);
    }
    const [token, name, uid, groups] = record as [string, string, string, string | undefined];
    if (token === '') {
      onWarning(`empty token has been found in token file '${path}', record number '${n}'`);
      return;
    }
    if (tokens.has(token)) onWarning(`duplicate token has been found in token file '${path}', record number '${n}'`);
    const user: UserInfo = { name, uid, groups: groups ? groups.split(',') : [] };
    tokens.set(token, user);
  });
  return tokens;
}

/**
 * Go's encoding/csv as kube configures it (any number of fields, leading
 * spaces trimmed): quoted fields may hold commas, newlines and "" for a quote;
 * blank lines are skipped.
 */
export function parseCSV(content: string, path: string): string[][] {
  const records: string[][] = [];
  let i = 0;
  let line = 1;
  while (i < content.length) {
    const record: string[] = [];
    for (;;) {
      while (content[i] === ' ' || content[i] === '\t') i++;
      let field = '';
      if (content[i] === '"') {
        i++;
        for (;;) {
          if (i >= content.length) throw new TokenFileError(`error reading token file '${path}': line ${line}: extraneous or missing " in quoted-field`);
          const c = content[i]!;
          if (c === '"') {
            if (content[i + 1] === '"') {
              field += '"';
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n') line++;
          field += c;
          i++;
        }
        if (i < content.length && content[i] !== ',' && content[i] !== '\n' && content[i] !== '\r') {
          throw new TokenFileError(`error reading token file '${path}': line ${line}: extraneous or missing " in quoted-field`);
        }
      } else {
        while (i < content.length && content[i] !== ',' && content[i] !== '\n') field += content[i++];
        field = field.replace(/\r$/, '');
      }
      record.push(field);
      if (content[i] === '\r') i++;
      if (content[i] === ',') {
        i++;
        continue;
      }
      break;
    }
    if (content[i] === '\n') i++;
    line++;
    if (!(record.length === 1 && record[0] === '')) records.push(record);
  }
  return records;
}
