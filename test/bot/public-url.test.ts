import { describe, expect, it } from '@jest/globals';
import { parsePublicUrl, publicBase } from '../../bot/src/windows/public-url.js';

const local = { address: '127.0.0.1', port: 3000 };

describe('the base of the URLs the bot answers with', () => {
  it('ASSEMBLY_LINE_PUBLIC_URL: an http(s) URL, trailing slashes dropped, a path prefix kept', () => {
    expect(parsePublicUrl('https://bot.example.com/')).toEqual({ base: 'https://bot.example.com' });
    expect(parsePublicUrl('http://bot.example.com:8080/line//')).toEqual({
      base: 'http://bot.example.com:8080/line',
    });
    expect(parsePublicUrl('bot.example.com')).toEqual({ problem: 'is not a URL' });
    expect(parsePublicUrl('ftp://bot.example.com')).toEqual({
      problem: 'must start with http:// or https://',
    });
    expect(parsePublicUrl('https://u:p@bot.example.com')).toEqual({
      problem: 'must have no query, fragment or credentials',
    });
  });

  it('the configured base wins over every header', () => {
    const headers = { host: 'a.example', 'x-forwarded-host': 'b.example', 'x-forwarded-proto': 'http' };
    expect(publicBase(headers, 'https://bot.example.com', local)).toBe('https://bot.example.com');
  });

  it('else the proxy’s first X-Forwarded-Proto and -Host, else Host over http, else the local address', () => {
    expect(publicBase({ host: 'bot.internal:3000' }, undefined, local)).toBe('http://bot.internal:3000');
    expect(
      publicBase(
        {
          host: 'bot.internal:3000',
          'x-forwarded-proto': 'HTTPS, http',
          'x-forwarded-host': 'line.example.com',
        },
        undefined,
        local,
      ),
    ).toBe('https://line.example.com');
    expect(publicBase({ host: '[::1]:3000' }, undefined, local)).toBe('http://[::1]:3000');
    expect(publicBase({}, undefined, { address: '::1', port: 3000 })).toBe('http://[::1]:3000');
  });

  it('ignores a scheme other than http(s) and a host that is not host[:port]', () => {
    expect(
      publicBase(
        { host: 'bot.internal', 'x-forwarded-proto': 'javascript', 'x-forwarded-host': 'evil.example/x' },
        undefined,
        local,
      ),
    ).toBe('http://bot.internal');
    expect(publicBase({ host: 'user@evil.example' }, undefined, local)).toBe('http://127.0.0.1:3000');
  });
});
