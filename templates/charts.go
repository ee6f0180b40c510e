package templates

import (
	"fmt"
	"html"
	"html/template"
	"math"
	"strconv"
	"strings"
)

// Charts are inline SVG the report draws itself: no JavaScript, no fonts or
// scripts from the network, and they print as sharp as the text. Every label
// may come from a director (#categorie), so it is escaped here: the result is
// template.HTML, which html/template inserts as is.

// Bar is one bar of a chart. A "\n" in Label breaks it over two lines.
type Bar struct {
	Label string
	Value float64
}

const (
	chartFont  = `font-family="Helvetica, Arial, sans-serif"`
	colorBar   = "#1f4e79"
	colorHist  = "#2e7d7a"
	colorHBar  = "#3b6ea5"
	colorGood  = "#2e7d4f"
	colorTrack = "#e4e8ee"
	colorGrid  = "#e6e9ee"
	colorAxis  = "#9aa4b1"
	colorText  = "#2b3340"
	colorMuted = "#5f6b7a"
)

// esc escapes text for an SVG text node or attribute value.
func esc(s string) string { return html.EscapeString(s) }

// num writes a coordinate without needless decimals.
func num(f float64) string { return strconv.FormatFloat(math.Round(f*10)/10, 'f', -1, 64) }

// Decimal writes x with one decimal and a decimal comma, as Dutch readers expect: 77,1.
func Decimal(x float64) string {
	return strings.Replace(strconv.FormatFloat(x, 'f', 1, 64), ".", ",", 1)
}

// count writes a bar's value: whole numbers without decimals.
func count(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return Decimal(v)
}

// niceScale returns an axis maximum and step (1, 2 or 5 times a power of
// ten) with at most five steps.
func niceScale(max float64) (top, step float64) {
	if max <= 0 {
		return 1, 1
	}
	for p := 1.0; ; p *= 10 {
		for _, m := range []float64{1, 2, 5} {
			step = m * p
			if math.Ceil(max/step) <= 5 {
				return math.Ceil(max/step) * step, step
			}
		}
	}
}

func svgOpen(b *strings.Builder, title string, w, h int) {
	fmt.Fprintf(b, `<svg class="chart" viewBox="0 0 %d %d" width="%d" height="%d" role="img" aria-label="%s" %s font-size="11">`,
		w, h, w, h, esc(title), chartFont)
	fmt.Fprintf(b, `<title>%s</title>`, esc(title))
}

// label writes a text node, one tspan per line.
func label(b *strings.Builder, x, y float64, anchor, fill, text string, extra string) {
	lines := strings.Split(text, "\n")
	fmt.Fprintf(b, `<text x="%s" y="%s" text-anchor="%s" fill="%s"%s>`, num(x), num(y), anchor, fill, extra)
	for i, l := range lines {
		if i == 0 {
			fmt.Fprintf(b, `<tspan x="%s">%s</tspan>`, num(x), esc(l))
		} else {
			fmt.Fprintf(b, `<tspan x="%s" dy="1.2em">%s</tspan>`, num(x), esc(l))
		}
	}
	b.WriteString(`</text>`)
}

// BarChart draws vertical bars with their values above them, e.g. the
// complaints per month.
func BarChart(title string, bars []Bar, w, h int) template.HTML {
	return columns(title, bars, w, h, colorBar, 0.28, "")
}

// Histogram draws adjacent columns, one per bucket, with the unit under the
// axis, e.g. handling times in days.
func Histogram(title string, bars []Bar, unit string, w, h int) template.HTML {
	return columns(title, bars, w, h, colorHist, 0.06, unit)
}

func columns(title string, bars []Bar, w, h int, color string, gap float64, unit string) template.HTML {
	var b strings.Builder
	svgOpen(&b, title, w, h)
	left, right, top, bottom := 34.0, 8.0, 18.0, 24.0
	if unit != "" {
		bottom += 16
	}
	for _, bar := range bars {
		if strings.Contains(bar.Label, "\n") {
			bottom += 13
			break
		}
	}
	plotW, plotH := float64(w)-left-right, float64(h)-top-bottom
	max := 0.0
	for _, bar := range bars {
		max = math.Max(max, bar.Value)
	}
	ymax, step := niceScale(max)
	y := func(v float64) float64 { return top + plotH - v/ymax*plotH }
	for v := 0.0; v <= ymax+step/2; v += step {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`,
			num(left), num(y(v)), num(left+plotW), num(y(v)), colorGrid)
		label(&b, left-6, y(v)+4, "end", colorMuted, count(v), "")
	}
	if len(bars) > 0 {
		slot := plotW / float64(len(bars))
		bw := slot * (1 - gap)
		for i, bar := range bars {
			x := left + float64(i)*slot + (slot-bw)/2
			if bar.Value > 0 {
				fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s" rx="1.5"><title>%s: %s</title></rect>`,
					num(x), num(y(bar.Value)), num(bw), num(y(0)-y(bar.Value)), color,
					esc(strings.ReplaceAll(bar.Label, "\n", " ")), count(bar.Value))
			}
			label(&b, x+bw/2, y(bar.Value)-5, "middle", colorText, count(bar.Value), ` font-weight="bold"`)
			label(&b, x+bw/2, y(0)+15, "middle", colorText, bar.Label, "")
		}
	}
	fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="1"/>`,
		num(left), num(y(0)), num(left+plotW), num(y(0)), colorAxis)
	if unit != "" {
		label(&b, left+plotW/2, float64(h)-4, "middle", colorMuted, unit, "")
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// HBarChart draws one horizontal bar per row with its label on the left,
// e.g. complaints per category. Long labels are shortened; the full one is
// in the bar's tooltip.
func HBarChart(title string, bars []Bar, w int) template.HTML {
	const rowH, labelW, top = 26.0, 190.0, 6.0
	h := int(top*2 + rowH*float64(len(bars)))
	var b strings.Builder
	svgOpen(&b, title, w, h)
	max := 0.0
	for _, bar := range bars {
		max = math.Max(max, bar.Value)
	}
	if max == 0 {
		max = 1
	}
	plotW := float64(w) - labelW - 44
	for i, bar := range bars {
		y := top + float64(i)*rowH
		name := strings.ReplaceAll(bar.Label, "\n", " ")
		short := name
		if r := []rune(name); len(r) > 30 {
			short = string(r[:29]) + "…"
		}
		label(&b, labelW-10, y+rowH/2+4, "end", colorText, short, "")
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"/>`,
			num(labelW), num(y+5), num(plotW), num(rowH-10), colorTrack)
		bw := bar.Value / max * plotW
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s: %s</title></rect>`,
			num(labelW), num(y+5), num(bw), num(rowH-10), colorHBar, esc(name), count(bar.Value))
		label(&b, labelW+plotW+8, y+rowH/2+4, "start", colorText, count(bar.Value), ` font-weight="bold"`)
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// ShareDonut draws part of whole as a ring with the percentage inside, e.g.
// the complaints closed within their target.
func ShareDonut(title string, part, whole int, caption string) template.HTML {
	const size, r, stroke = 150.0, 56.0, 18.0
	var b strings.Builder
	svgOpen(&b, title, int(size), int(size))
	c := size / 2
	fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="%s"/>`,
		num(c), num(c), num(r), colorTrack, num(stroke))
	pct := "–"
	if whole > 0 {
		share := float64(part) / float64(whole)
		circ := 2 * math.Pi * r
		if part > 0 {
			// Starts at 12 o'clock and runs clockwise.
			fmt.Fprintf(&b, `<circle cx="%s" cy="%s" r="%s" fill="none" stroke="%s" stroke-width="%s" stroke-dasharray="%s %s" transform="rotate(-90 %s %s)"/>`,
				num(c), num(c), num(r), colorGood, num(stroke), strconv.FormatFloat(share*circ, 'f', 2, 64),
				strconv.FormatFloat(circ, 'f', 2, 64), num(c), num(c))
		}
		pct = Decimal(math.Round(share*1000)/10) + "%"
	}
	label(&b, c, c+5, "middle", colorText, pct, ` font-size="22" font-weight="bold"`)
	label(&b, c, c+24, "middle", colorMuted, caption, ` font-size="10"`)
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}

// Pair is one row of a before-and-after chart: a measure, and the
// complaints of its category before it and since. A "\n" in Label breaks
// it over two lines.
type Pair struct {
	Label         string
	Before, After int
}

// BeforeAfterChart draws, per row, two bars: the complaints before (grey)
// and after (blue) a measure, so a reader sees whether it stopped them.
func BeforeAfterChart(title string, rows []Pair, w int) template.HTML {
	const rowH, barH, labelW, top = 44.0, 14.0, 230.0, 22.0
	h := int(top + rowH*float64(len(rows)) + 6)
	var b strings.Builder
	svgOpen(&b, title, w, h)
	max := 1.0
	for _, r := range rows {
		max = math.Max(max, math.Max(float64(r.Before), float64(r.After)))
	}
	plotW := float64(w) - labelW - 44
	fmt.Fprintf(&b, `<rect x="%s" y="4" width="10" height="10" fill="%s"/>`, num(labelW), colorAxis)
	label(&b, labelW+14, 13, "start", colorMuted, "vóór de maatregel", "")
	fmt.Fprintf(&b, `<rect x="%s" y="4" width="10" height="10" fill="%s"/>`, num(labelW+130), colorHBar)
	label(&b, labelW+144, 13, "start", colorMuted, "sindsdien", "")
	for i, r := range rows {
		y := top + float64(i)*rowH
		name := strings.ReplaceAll(r.Label, "\n", " ")
		// Two lines: what and since when, then the measure, each cut to fit.
		lines := strings.SplitN(r.Label, "\n", 2)
		for j, l := range lines {
			if rs := []rune(l); len(rs) > 36 {
				lines[j] = string(rs[:35]) + "…"
			}
		}
		label(&b, labelW-10, y+rowH/2-4+6*float64(2-len(lines)), "end", colorText, strings.Join(lines, "\n"), "")
		for j, bar := range []struct {
			n     int
			color string
			what  string
		}{{r.Before, colorAxis, "vóór"}, {r.After, colorHBar, "sindsdien"}} {
			by := y + 4 + float64(j)*(barH+4)
			bw := float64(bar.n) / max * plotW
			fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"><title>%s, %s: %d</title></rect>`,
				num(labelW), num(by), num(bw), num(barH), bar.color, esc(name), bar.what, bar.n)
			label(&b, labelW+bw+6, by+barH-3, "start", colorText, strconv.Itoa(bar.n), ` font-weight="bold"`)
		}
	}
	b.WriteString(`</svg>`)
	return template.HTML(b.String())
}
