package number

// chineseDigits are the digits of Chinese numerals, everyday and formal (大写).
var chineseDigits = map[rune]int{
	'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '兩': 2, '三': 3, '四': 4, '五': 5,
	'六': 6, '七': 7, '八': 8, '九': 9,
	'壹': 1, '贰': 2, '貳': 2, '叁': 3, '參': 3, '肆': 4, '伍': 5, '陆': 6, '陸': 6,
	'柒': 7, '捌': 8, '玖': 9,
}

// chineseUnits are the place units below 万.
var chineseUnits = map[rune]int{'十': 10, '拾': 10, '百': 100, '佰': 100, '千': 1000, '仟': 1000}

// IsChineseNumeral reports whether r can be part of a Chinese numeral.
func IsChineseNumeral(r rune) bool {
	_, d := chineseDigits[r]
	_, u := chineseUnits[r]
	return d || u || r == '万' || r == '萬'
}

// Chinese reads a whole number written in Chinese numerals: 二十三, 一百零五,
// 两千, 十二, 三万零一, or digit by digit as 一〇五. It reports false for
// anything else, including an empty string.
func Chinese(s string) (int, bool) {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, false
	}
	// Digit by digit (一〇五), when no unit is written.
	positional := true
	for _, r := range rs {
		if _, ok := chineseDigits[r]; !ok {
			positional = false
			break
		}
	}
	if positional {
		if len(rs) > 1 && (rs[0] == '零' || rs[0] == '〇') {
			return 0, false
		}
		n := 0
		for _, r := range rs {
			n = n*10 + chineseDigits[r]
		}
		return n, true
	}
	total, section, digit := 0, 0, -1
	lastUnit := 100000 // units must fall within a section: 二十三, not 十百
	for _, r := range rs {
		switch {
		case r == '万' || r == '萬':
			if digit >= 0 {
				section += digit
			}
			if section == 0 || total != 0 {
				return 0, false
			}
			total, section, digit, lastUnit = section*10000, 0, -1, 100000
		case chineseUnits[r] > 0:
			u := chineseUnits[r]
			if u >= lastUnit {
				return 0, false
			}
			if digit < 0 {
				// A bare 十 stands for 一十 (十二); other units need a digit.
				if u != 10 {
					return 0, false
				}
				digit = 1
			}
			section += digit * u
			digit, lastUnit = -1, u
		default:
			d, ok := chineseDigits[r]
			if !ok || digit > 0 {
				return 0, false
			}
			if d == 0 {
				digit = -1 // 零 holds a place: 一百零五
				continue
			}
			digit = d
		}
	}
	if digit > 0 {
		section += digit
	}
	return total + section, true
}

// FormatChinese writes 0 <= n < 100000000 in Chinese numerals, as prose
// prints counts: 二十三, 一百零五, 三千零二十一, 一万二千.
func FormatChinese(n int) string {
	const digits = "零一二三四五六七八九"
	digit := func(d int) string { return string([]rune(digits)[d]) }
	if n == 0 {
		return digit(0)
	}
	if n >= 10000 {
		rest := n % 10000
		s := FormatChinese(n/10000) + "万"
		if rest == 0 {
			return s
		}
		if rest < 1000 {
			s += digit(0)
		}
		return s + FormatChinese(rest)
	}
	s, zero := "", false
	for _, u := range []struct {
		v    int
		name string
	}{{1000, "千"}, {100, "百"}, {10, "十"}} {
		q := n / u.v
		n %= u.v
		switch {
		case q > 0 && zero:
			s, zero = s+digit(0)+digit(q)+u.name, false
		case q > 0:
			s += digit(q) + u.name
		case s != "":
			zero = true
		}
	}
	if n > 0 {
		if zero {
			s += digit(0)
		}
		s += digit(n)
	}
	return s
}
