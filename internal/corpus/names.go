package corpus

import "math/rand/v2"

// Place names are two syllables from these lists. They read like real names
// without being meant to name any real place.
var (
	placeFirst  = []string{"澄", "榆", "枫", "禾", "棠", "苍", "蔺", "汀", "鹭", "濂", "栎", "岚", "沐", "璟", "瑶", "芷", "槐", "桐", "砚", "渚"}
	placeSecond = []string{"川", "源", "塘", "溪", "岭", "坪", "湾", "港", "阳", "林", "泉", "桥", "丰", "安", "宁", "平", "浦", "屿", "洲", "原"}
	// Street names are two syllables, sometimes followed by 路.
	streetFirst  = []string{"青", "华", "兴", "文", "和", "新", "康", "裕", "民", "东", "西", "南", "北", "长", "永", "春"}
	streetSecond = []string{"园", "苑", "河", "湖", "屯", "桥", "门", "坊", "里", "亭", "荫", "光"}
	// Province abbreviations print an ICP number in the page footer.
	provinces = []string{"辽", "吉", "黑", "豫", "鲁", "冀", "晋", "皖", "赣", "湘", "鄂", "川", "滇", "黔", "桂", "闽"}
)

// Agency kinds: the suffix that makes an area's body an agency, and how the
// agency calls itself in its own prose.
type agencyKind struct {
	suffixes []string
	self     string
}

var (
	generalOffice = agencyKind{[]string{"人民政府办公室"}, "我办"}
	bureaus       = agencyKind{[]string{
		"教育局", "民政局", "司法局", "财政局", "人力资源和社会保障局", "自然资源局",
		"住房和城乡建设局", "交通运输局", "水利局", "农业农村局", "商务局", "文化和旅游局",
		"卫生健康局", "退役军人事务局", "应急管理局", "审计局", "市场监督管理局", "统计局",
		"医疗保障局", "科技和工业信息化局", "城市管理局",
	}, "我局"}
	committees = agencyKind{[]string{
		"发展和改革委员会", "卫生健康委员会", "民族宗教事务委员会", "经济和信息化委员会",
		"住房和城乡建设委员会", "农业农村委员会",
	}, "我委"}
	streetOffice = agencyKind{[]string{"街道办事处"}, "我街道"}
	agencyKinds  = []agencyKind{generalOffice, bureaus, bureaus, committees, streetOffice}
)

// An agency is the body that publishes a report, and the area whose website
// carries it.
type agency struct {
	name  string // as in the title
	self  string // how its prose names it: 我局, 我办…
	site  string // the area government whose portal publishes the report
	area  string // the area's name without its level, for prose
	level string // the area's level: 区, 县 or 市
}

// namer draws distinct agencies. A few dozen areas are reused so that, as in
// real portals, several bodies of one district publish reports.
type namer struct {
	rng   *rand.Rand
	areas []string
	used  map[string]bool
}

func newNamer(rng *rand.Rand) *namer {
	n := &namer{rng: rng, used: map[string]bool{}}
	for len(n.areas) < 16 {
		a := n.area()
		if !n.used[a] {
			n.used[a] = true
			n.areas = append(n.areas, a)
		}
	}
	return n
}

// area returns a district, county or county-level city, sometimes with the
// prefecture-level city it belongs to.
func (n *namer) area() string {
	name := pick(n.rng, placeFirst) + pick(n.rng, placeSecond)
	level := pick(n.rng, []string{"区", "区", "县", "市"})
	if level != "市" && n.rng.IntN(3) == 0 {
		return pick(n.rng, placeFirst) + pick(n.rng, placeSecond) + "市" + name + level
	}
	return name + level
}

func (n *namer) next() agency {
	for {
		area := pick(n.rng, n.areas)
		kind := pick(n.rng, agencyKinds)
		suffix := pick(n.rng, kind.suffixes)
		if kind.self == streetOffice.self {
			suffix = n.street() + suffix
		}
		name := area + suffix
		if n.used[name] {
			continue
		}
		n.used[name] = true
		level := string([]rune(area)[len([]rune(area))-1:])
		return agency{name: name, self: kind.self, site: area + "人民政府", area: areaName(area), level: level}
	}
}

func (n *namer) street() string {
	s := pick(n.rng, streetFirst) + pick(n.rng, streetSecond)
	if n.rng.IntN(3) == 0 {
		s += "路"
	}
	return s
}

// areaName strips the prefecture and the level from an area: 澄川市榆林区 → 榆林.
func areaName(area string) string {
	r := []rune(area)
	return string(r[len(r)-3 : len(r)-1])
}

func pick[T any](rng *rand.Rand, xs []T) T { return xs[rng.IntN(len(xs))] }

// between returns an integer in [lo, hi].
func between(rng *rand.Rand, lo, hi int) int { return lo + rng.IntN(hi-lo+1) }

// chance reports true with probability num/den.
func chance(rng *rand.Rand, num, den int) bool { return rng.IntN(den) < num }
