package pdf

// placed is a unit at its place on a page.
type placed struct {
	u *unit
	y float64 // top, mm from the page top
}

// paginate places the layout's units on pages. A unit that does not fit
// starts a new page; so does a run of units marked keep (a heading and
// the lines after it) or a group (a signature) that does not fit but
// would fit on an empty page. Gaps are dropped at the top of a page, and a
// table's header row is repeated when a page break falls inside it. The
// first page's body ends firstExtra higher than the others'.
func paginate(l *layout) [][]placed {
	// The pages are cut from one slice, with room for every unit and a
	// few repeated table headers: page p is all[starts[p]:].
	all := make([]placed, 0, len(l.units)+8)
	starts := make([]int, 1, 8)
	y, atTop := l.top, true
	body := l.bottom - l.top // of an empty page after the first
	bottom := l.bottom - l.firstExtra
	kept := 0.0 // the height of the keep-marked units just placed
	newPage := func() {
		starts = append(starts, len(all))
		y, atTop, kept, bottom = l.top, true, 0, l.bottom
	}
	place := func(u *unit) {
		all = append(all, placed{u: u, y: y})
		y += u.h
		atTop = false
		kept += u.h
		if !u.keep {
			kept = 0
		}
	}
	for i := 0; i < len(l.units); i++ {
		u := &l.units[i]
		if u.gap {
			if atTop {
				continue
			}
			if y+u.h > bottom {
				newPage()
				continue
			}
			y += u.h
			continue
		}
		var head *unit
		if u.header > 0 && u.kind != kindTableHeader {
			head = &l.headers[u.header-1]
		}
		room := bottom - y
		most := body - headHeight(head)
		tooTall := func(h float64) bool { return h > most || kept > 0 && kept+h > most }
		need := keepHeight(l.units, i)
		if tooTall(need) {
			// Too tall to keep whole even on an empty page (large
			// print), with the kept units above it: keep at least the
			// run of keep-marked units together, and failing that a
			// heading with the line after it.
			need = keptRun(l.units, i)
			if tooTall(need) {
				need = leadIn(l.units, i)
			}
		}
		if !atTop && (u.h > room || need > room && need <= body-headHeight(head)) {
			newPage()
		}
		if atTop && head != nil && len(starts) > 1 {
			place(head)
		}
		place(u)
	}
	pages := make([][]placed, len(starts))
	for p, start := range starts {
		end := len(all)
		if p+1 < len(starts) {
			end = starts[p+1]
		}
		if end > start {
			pages[p] = all[start:end:end]
		}
	}
	return pages
}

func headHeight(h *unit) float64 {
	if h == nil {
		return 0
	}
	return h.h
}

// keepHeight is the height of the units from i that must share a page: a
// whole group when i starts one, and on through every unit marked keep
// (and any group it leads into) to the first that is not. Inside a group
// too tall for a page, only the keep marks count.
func keepHeight(us []unit, i int) float64 {
	h := 0.0
	whole := startsGroup(us, i)
	for j := i; j < len(us); j++ {
		h += us[j].h
		if whole && j+1 < len(us) && us[j+1].group == us[j].group {
			continue
		}
		if !us[j].keep {
			break
		}
		whole = startsGroup(us, j+1)
	}
	return h
}

// keptRun is the height of unit i and the units marked keep from it: a
// heading and a table's header row, without the row they lead into.
func keptRun(us []unit, i int) float64 {
	h := 0.0
	for j := i; j < len(us); j++ {
		h += us[j].h
		if !us[j].keep || j+1 < len(us) && !us[j+1].keep {
			break
		}
	}
	return h
}

// leadIn is the height of unit i, and when it is a heading, of the rest
// of the heading and the unit after it.
func leadIn(us []unit, i int) float64 {
	h := 0.0
	for j := i; j < len(us); j++ {
		h += us[j].h
		if us[j].kind != kindHeading {
			break
		}
	}
	return h
}

func startsGroup(us []unit, i int) bool {
	return i < len(us) && us[i].group != 0 && (i == 0 || us[i-1].group != us[i].group)
}
