// For every text node in the notebook outputs: its colour, the colour behind it (for SVG text: the
// last filled shape under it, else the page behind the SVG) and their WCAG contrast ratio.
() => {
  const parse = c => { const m = (c || '').match(/rgba?\(([^)]+)\)/); if (!m) return null;
    const p = m[1].split(',').map(Number); return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lum = ({r, g, b}) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p); return (x + 0.05) / (y + 0.05); };
  const svgBackground = (svg, box) => {
    // the last painted shape under the text's centre, drawn before the text: rects and paths with a fill
    const cx = box.x + box.width / 2, cy = box.y + box.height / 2;
    let found = null;
    for (const shape of svg.querySelectorAll('rect, path, circle, ellipse, polygon')) {
      const fill = parse(getComputedStyle(shape).fill);
      if (!fill || fill.a < 0.5) continue;
      let b; try { b = shape.getBBox(); } catch (e) { continue; }
      const ctm = shape.getCTM(), tctm = svg.getCTM();
      if (shape.tagName !== 'rect' && shape.tagName !== 'ellipse' && shape.tagName !== 'circle' && b.width * b.height < 400) continue;
      // compare in the svg's user space
      if (cx >= b.x && cx <= b.x + b.width && cy >= b.y && cy <= b.y + b.height) found = fill;
    }
    return found;
  };
  const htmlBackground = el => { for (let e = el; e; e = e.parentElement) {
      const c = parse(getComputedStyle(e).backgroundColor); if (c && c.a > 0.5) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  const results = [];
  for (const out of document.querySelectorAll('.jp-OutputArea-output')) {
    const walker = document.createTreeWalker(out, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      const text = node.textContent.trim(); if (!text) continue;
      const el = node.parentElement; if (!el || el.closest('mjx-container, .MathJax')) continue;
      const style = getComputedStyle(el); if (style.visibility === 'hidden' || style.display === 'none') continue;
      let fg, bg;
      const svg = el.closest('svg');
      if (svg) {
        fg = parse(style.fill); if (!fg || fg.a < 0.5) continue;
        let box; try { box = el.getBBox(); } catch (e) { continue; }
        bg = svgBackground(svg, box) || htmlBackground(svg);
      } else { fg = parse(style.color); bg = htmlBackground(el); }
      results.push({text: text.slice(0, 40), svg: !!svg, ratio: Math.round(ratio(fg, bg) * 100) / 100,
                    fg: style.fill && svg ? style.fill : style.color, bg: `rgb(${bg.r}, ${bg.g}, ${bg.b})`});
    }
  }
  return results;
}
