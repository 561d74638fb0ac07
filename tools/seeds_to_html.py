#!/usr/bin/env python3
"""Turns the plain-text seed pages into realistic HTML fixtures (fixtures/html-seeds/).

Each text block becomes the element a CMS would emit (h2 for heading-like lines, li inside ul for
bullets, p otherwise), typographic characters become entities, a few words get inline tags, and
every page gets a nav menu, a header, a footer and head metadata. One block per source line, so
a finding's HTML line is easy to check. Deterministic: run it again and nothing changes.
usage: tools/seeds_to_html.py fixtures/seeds fixtures/html-seeds
"""
import html, os, re, sys

ENTITIES = {"’": "&rsquo;", "‘": "&lsquo;", "“": "&ldquo;", "”": "&rdquo;", "—": "&mdash;", "–": "&ndash;"}
BULLET = re.compile(r"^\s*[•·▪◦‣●○■□–\-*+]\s+")

def heading_like(line):
    words = line.split()
    return 0 < len(words) <= 12 and not line.endswith((".", ",", ";", ":"))

def inline(text):
    out = html.escape(text, quote=False)
    for ch, ent in ENTITIES.items():
        out = out.replace(ch, ent)
    # Inline markup that must not split sentences or matches.
    out = re.sub(r"\b(Studies|studies) show\b", r"\1 <em>show</em>", out, count=1)
    out = re.sub(r"\b(medical supervision)\b", r"<strong>\1</strong>", out, count=1)
    out = re.sub(r"\b(baclofen)\b", r'<a href="/drugs/baclofen">\1</a>', out, count=1)
    return out

def convert(text, title):
    blocks = [l.strip() for l in text.split("\n")]
    body, in_list = [], False
    for line in blocks:
        if not line:
            continue
        if BULLET.match(line):
            if not in_list:
                body.append("<ul>")
                in_list = True
            body.append("  <li>%s</li>" % inline(BULLET.sub("", line)))
            continue
        if in_list:
            body.append("</ul>")
            in_list = False
        tag = "h2" if heading_like(line) else "p"
        body.append("<%s>%s</%s>" % (tag, inline(line), tag))
    if in_list:
        body.append("</ul>")
    return "\n".join([
        "<!DOCTYPE html>",
        '<html lang="en">',
        "<head>",
        '  <meta charset="utf-8">',
        "  <title>%s</title>" % html.escape(title),
        "  <style>nav { display: flex; } .cookie { position: fixed; }</style>",
        "  <script>window.dataLayer = window.dataLayer || []; if (a < b && c > d) { track('<p>'); }</script>",
        "</head>",
        "<body>",
        '<nav><ul><li><a href="/">Home</a></li><li><a href="/treatment">Treatment</a></li><li><a href="/insurance">Insurance</a></li></ul></nav>',
        '<header><a class="logo" href="/">Recovery Center</a></header>',
        "<main>",
        "\n".join(body),
        "</main>",
        "<footer><p>&copy; 2024 Recovery Center. All rights reserved.</p></footer>",
        "</body>",
        "</html>",
        "",
    ])

def main():
    src, dst = sys.argv[1], sys.argv[2]
    os.makedirs(dst, exist_ok=True)
    for name in sorted(os.listdir(src)):
        if not name.endswith(".txt"):
            continue
        text = open(os.path.join(src, name), encoding="utf-8").read()
        title = next((l.strip() for l in text.splitlines() if l.strip()), name)
        out = os.path.join(dst, name[:-4] + ".html")
        with open(out, "w", encoding="utf-8") as f:
            f.write(convert(text, title))

if __name__ == "__main__":
    main()
