import { UriTemplate } from '@org/core';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';

describe('UriTemplate matching', () => {
  it('matches a simple variable within one path segment and decodes it', () => {
    const t = new UriTemplate('users://{id}/profile');
    expect(t.match('users://42/profile')).toEqual({ id: '42' });
    expect(t.match('users://Jos%C3%A9%20M/profile')).toEqual({ id: 'José M' });
    expect(t.match('users://a%2Fb/profile')).toEqual({ id: 'a/b' });
    expect(t.match('users://a/b/profile')).toBeUndefined();
    expect(t.match('users:///profile')).toBeUndefined();
    expect(t.match('users://42/profile/extra')).toBeUndefined();
    expect(t.match('other://42/profile')).toBeUndefined();
  });

  it('lets an exploded variable span segments', () => {
    const t = new UriTemplate('files://{path*}');
    expect(t.match('files://docs/a/b.txt')).toEqual({ path: 'docs/a/b.txt' });
    expect(t.match('files://caf%C3%A9/%E4%B8%AD.md')).toEqual({ path: 'café/中.md' });
    // A leading slash belongs to the value: only `{/path*}` puts its own slash in front.
    expect(t.match('files:///etc/hosts')).toEqual({ path: '/etc/hosts' });
    expect(new UriTemplate('x://root{/path*}').match('x://root/a/b')).toEqual({ path: 'a/b' });
  });

  it('reads query parameters in any order, optional, percent-decoded, extra ones ignored', () => {
    const t = new UriTemplate('search://items{?q,limit}');
    expect(t.match('search://items')).toEqual({});
    expect(t.match('search://items?q=red%20shoes')).toEqual({ q: 'red shoes' });
    expect(t.match('search://items?limit=5&q=a%26b%3Dc')).toEqual({ q: 'a&b=c', limit: '5' });
    expect(t.match('search://items?q=a+b&other=1')).toEqual({ q: 'a b' });
    expect(t.match('search://items?q=1&q=2')).toEqual({ q: '1' });
    expect(t.match('search://items/more?q=1')).toBeUndefined();
  });

  it('rejects malformed percent-encoding instead of throwing', () => {
    const t = new UriTemplate('users://{id}{?q}');
    expect(t.match('users://%E0%A4%A')).toBeUndefined();
    expect(t.match('users://ok?q=%ZZ')).toBeUndefined();
  });

  it('ignores a trailing fragment unless the template has one', () => {
    const query = new UriTemplate('x://{id}{?q}');
    expect(query.match('x://1?q=2#f')).toEqual({ id: '1', q: '2' });
    expect(query.match('x://1#f')).toEqual({ id: '1' });
    expect(query.match('x://1?q=2#')).toEqual({ id: '1', q: '2' });
    expect(new UriTemplate('x://{id}').match('x://1#section?x=1')).toEqual({ id: '1' });
    expect(new UriTemplate('files://{path*}').match('files://a/b.md#top')).toEqual({
      path: 'a/b.md',
    });
    // A template with a fragment of its own still matches it.
    expect(new UriTemplate('x://page{#frag}').match('x://page#top')).toEqual({ frag: 'top' });
    expect(new UriTemplate('x://page#{frag}').match('x://page#top')).toEqual({ frag: 'top' });
    expect(new UriTemplate('x://page#{frag}').match('x://page')).toBeUndefined();
  });

  it('matches the other RFC 6570 operators', () => {
    expect(new UriTemplate('x://a{/seg}').match('x://a/b')).toEqual({ seg: 'b' });
    expect(new UriTemplate('x://a{/seg}').match('x://a')).toEqual({});
    expect(new UriTemplate('x://file{.ext}').match('x://file.txt')).toEqual({ ext: 'txt' });
    expect(new UriTemplate('x://{+path}').match('x://a/b:c@d')).toEqual({ path: 'a/b:c@d' });
    expect(new UriTemplate('x://page{#frag}').match('x://page#top')).toEqual({ frag: 'top' });
    expect(new UriTemplate('x://{a,b}').match('x://1,2')).toEqual({ a: '1', b: '2' });
  });
});

describe('UriTemplate expansion', () => {
  it('percent-encodes reserved and non-ASCII characters of a simple variable', () => {
    const t = new UriTemplate('weather://{city}/forecast{?days}');
    expect(t.expand({ city: 'São Paulo', days: '3' })).toBe(
      'weather://S%C3%A3o%20Paulo/forecast?days=3',
    );
    expect(t.expand({ city: 'a/b?c#d' })).toBe('weather://a%2Fb%3Fc%23d/forecast');
  });

  it('keeps slashes of an exploded variable and reserved characters of {+var}', () => {
    expect(new UriTemplate('files://{path*}').expand({ path: 'a/b c' })).toBe('files://a/b%20c');
    expect(new UriTemplate('x://{+path}').expand({ path: 'a/b:c' })).toBe('x://a/b:c');
  });

  it('leaves out variables that are not given', () => {
    const t = new UriTemplate('x://{a}{?b,c}');
    expect(t.expand({ a: '1', c: 'z' })).toBe('x://1?c=z');
    expect(t.expand({ a: '1' })).toBe('x://1');
  });

  it('lists its variables and refuses a malformed template', () => {
    expect(new UriTemplate('x://{a}/{b*}{?c,d}').variableNames).toEqual(['a', 'b', 'c', 'd']);
    expect(UriTemplate.isTemplate('x://{a}')).toBe(true);
    expect(UriTemplate.isTemplate('x://a')).toBe(false);
    expect(() => new UriTemplate('x://{a')).toThrow('Unclosed expression in URI template: x://{a');
    expect(() => new UriTemplate('x://{a b}')).toThrow(
      'Invalid variable name in URI template x://{a b}: a b',
    );
  });
});

// Characters that need care: RFC 3986 reserved ones, '%', space, '+', and non-ASCII (incl. astral).
const tricky = fc.constantFrom(...":/?#[]@!$&'()*+,;=% ~-._", 'é', '中', '😀', 'Ω');
const char = fc.oneof(tricky, fc.string({ unit: 'grapheme', minLength: 1, maxLength: 1 }));
const text = (minLength: number) => fc.string({ unit: char, minLength, maxLength: 12 });

describe('UriTemplate round trip', () => {
  it('match(expand(p)) gives p back for any parameters', () => {
    const t = new UriTemplate('x://{a}/{b*}{?c,d}');
    const params = fc.record(
      { a: text(1), b: text(1), c: text(0), d: text(0) },
      { requiredKeys: ['a', 'b'] },
    );
    fc.assert(
      fc.property(params, (p) => {
        expect(t.match(t.expand(p))).toEqual(p);
      }),
      { numRuns: 200 },
    );
  });

  it('round-trips a single segment variable whatever it holds', () => {
    const t = new UriTemplate('users://{id}/profile');
    fc.assert(
      fc.property(text(1), (id) => {
        expect(t.match(t.expand({ id }))).toEqual({ id });
      }),
      { numRuns: 200 },
    );
  });
});
