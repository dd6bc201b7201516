// Markdown guides to HTML with marked: headings get ids (GitHub-style slugs) so that sections can be linked,
// and a table of contents is collected from the second-level headings.
import { Marked } from "marked";

/** A rendered guide. */
export interface RenderedMarkdown {
  readonly html: string;
  /** The first heading's text (plain, not HTML). */
  readonly title: string;
  /** Second-level headings: [id, plain text]. */
  readonly sections: ReadonlyArray<readonly [string, string]>;
}

/** A GitHub-style slug: lower case, letters, digits and dashes. */
export function slugOf(text: string): string {
  return text
    .toLowerCase()
    .replace(/<[^>]+>/g, "")
    .replace(/&[a-z0-9#]+;/g, "")
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .trim()
    .replace(/\s+/g, "-");
}

const ENTITIES: Record<string, string> = { "&amp;": "&", "&lt;": "<", "&gt;": ">", "&quot;": '"', "&#39;": "'" };

function decodeEntities(html: string): string {
  return html.replace(/&(?:amp|lt|gt|quot|#39);/g, (entity) => ENTITIES[entity]!);
}

/** Renders one guide. */
export function renderMarkdown(source: string): RenderedMarkdown {
  const used = new Map<string, number>();
  const sections: Array<[string, string]> = [];
  let title = "";
  const marked = new Marked({
    gfm: true,
    renderer: {
      heading({ tokens, depth }) {
        const inner = this.parser.parseInline(tokens);
        const base = slugOf(inner) || "section";
        const count = used.get(base) ?? 0;
        used.set(base, count + 1);
        const id = count === 0 ? base : `${base}-${count}`;
        const plain = decodeEntities(inner.replace(/<[^>]+>/g, ""));
        if (depth === 1 && !title) title = plain;
        if (depth === 2) sections.push([id, plain]);
        return `<h${depth} id="${id}"><a class="anchor" href="#${id}" aria-hidden="true">#</a>${inner}</h${depth}>\n`;
      },
    },
  });
  const html = marked.parse(source, { async: false });
  return { html, title, sections };
}
