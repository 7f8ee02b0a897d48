// A minimal DOM for the show/hide tests, so `npm test` needs no browser and no dependency: elements
// with attributes, children and the `hidden` property reflected to the attribute as browsers do;
// `querySelectorAll` and `matches` for attribute-presence selectors only ("[a], [b]"), and any
// other selector throws, so the helper cannot come to rely on more than this fake checks.
// `parse` reads the well-formed HTML the tests and the README examples are written in.

const ATTRIBUTE_PRESENCE = /^\[([a-z][a-z0-9-]*)\]$/;
const VOID_ELEMENTS = new Set(['br', 'hr', 'img', 'input', 'link', 'meta']);

export class FakeElement {
  /** @param {string} tagName @param {Record<string, string>} [attributes] */
  constructor(tagName, attributes = {}) {
    this.tagName = tagName.toUpperCase();
    this.attributes = new Map(Object.entries(attributes));
    /** @type {Array<FakeElement | string>} */
    this.childNodes = [];
  }

  getAttribute(name) {
    return this.attributes.has(name) ? this.attributes.get(name) : null;
  }

  hasAttribute(name) {
    return this.attributes.has(name);
  }

  setAttribute(name, value) {
    this.attributes.set(name, String(value));
  }

  removeAttribute(name) {
    this.attributes.delete(name);
  }

  get hidden() {
    return this.hasAttribute('hidden');
  }

  set hidden(value) {
    if (value) {
      this.setAttribute('hidden', '');
    } else {
      this.removeAttribute('hidden');
    }
  }

  get children() {
    return this.childNodes.filter((node) => node instanceof FakeElement);
  }

  get textContent() {
    return this.childNodes.map((node) => (typeof node === 'string' ? node : node.textContent)).join('');
  }

  append(...nodes) {
    this.childNodes.push(...nodes);
    return this;
  }

  matches(selector) {
    const names = attributeNames(selector);
    return names.some((name) => this.hasAttribute(name));
  }

  /** Descendants in document order, as the DOM answers. */
  querySelectorAll(selector) {
    attributeNames(selector);
    const found = [];
    const visit = (element) => {
      for (const child of element.children) {
        if (child.matches(selector)) {
          found.push(child);
        }
        visit(child);
      }
    };
    visit(this);
    return found;
  }

  querySelector(selector) {
    return this.querySelectorAll(selector)[0] ?? null;
  }
}

/** The attribute names of a selector list of `[name]` selectors; anything else throws. */
function attributeNames(selector) {
  return selector.split(',').map((part) => {
    const match = ATTRIBUTE_PRESENCE.exec(part.trim());
    if (match === null) {
      throw new Error(`the fake DOM reads only [attribute] selectors, not ${JSON.stringify(part.trim())}`);
    }
    return match[1];
  });
}

/**
 * A document fragment (a `<body>` element) from well-formed HTML: tags with double-quoted or bare
 * attributes, text, comments. Throws on a tag closed out of order.
 */
export function parse(html) {
  const root = new FakeElement('body');
  const open = [root];
  const token = /<!--[\s\S]*?-->|<\/([a-zA-Z0-9-]+)\s*>|<([a-zA-Z0-9-]+)((?:\s+[a-zA-Z0-9_:-]+(?:="[^"]*")?)*)\s*(\/?)>|([^<]+)/g;
  let position = 0;
  for (const match of html.matchAll(token)) {
    if (match.index !== position) {
      throw new Error('cannot read ' + JSON.stringify(html.slice(position, match.index + 20)));
    }
    position += match[0].length;
    const [, closing, tag, attributes, selfClosing, text] = match;
    const current = open[open.length - 1];
    if (text !== undefined) {
      current.append(text);
    } else if (closing !== undefined) {
      if (open.length === 1 || current.tagName !== closing.toUpperCase()) {
        throw new Error(`</${closing}> closes <${current.tagName.toLowerCase()}>`);
      }
      open.pop();
    } else if (tag !== undefined) {
      const element = new FakeElement(tag, parseAttributes(attributes));
      current.append(element);
      if (!selfClosing && !VOID_ELEMENTS.has(tag.toLowerCase())) {
        open.push(element);
      }
    }
  }
  if (position !== html.length) {
    throw new Error('cannot read ' + JSON.stringify(html.slice(position, position + 20)));
  }
  if (open.length !== 1) {
    throw new Error(`<${open[open.length - 1].tagName.toLowerCase()}> is never closed`);
  }
  return root;
}

function parseAttributes(text) {
  const attributes = {};
  for (const [, name, value] of text.matchAll(/([a-zA-Z0-9_:-]+)(?:="([^"]*)")?/g)) {
    attributes[name] = decode(value ?? '');
  }
  return attributes;
}

function decode(text) {
  return text.replaceAll('&quot;', '"').replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&amp;', '&');
}
