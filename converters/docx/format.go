package docx

import (
	"strconv"
	"strings"
)

// maxLetters bounds how many times a letter counter repeats its letter
// (Word goes to 780, ZZZ…Z thirty times).
const maxLetters = 30

// formatNumber prints a list counter in a w:numFmt number format as Word
// does. Formats it does not know print in decimal, as do numbers a format
// cannot print (zero, or past its last symbol).
func formatNumber(n int, format string) string {
	switch format {
	case "decimalZero":
		if n >= 0 && n < 10 {
			return "0" + strconv.Itoa(n)
		}
	case "decimalFullWidth", "decimalFullWidth2":
		return fullWidth(strconv.Itoa(n))
	case "upperRoman", "lowerRoman":
		if n > 0 && n < 4000 {
			r := roman(n)
			if format == "lowerRoman" {
				r = strings.ToLower(r)
			}
			return r
		}
	case "upperLetter", "lowerLetter":
		// A start value of two billion would repeat the letter 80 million
		// times; past maxLetters the number prints in decimal.
		if n > 0 && (n-1)/26 < maxLetters {
			// Word repeats the letter: 27 is AA, 28 BB.
			c := byte('A')
			if format == "lowerLetter" {
				c = 'a'
			}
			return strings.Repeat(string(c+byte((n-1)%26)), (n-1)/26+1)
		}
	case "chineseCounting", "taiwaneseCounting":
		// Word counts with 十 below one hundred and reads digits above.
		if n > 0 && n < 100 {
			return counting(n, zhDigits, zhUnits)
		}
		if n >= 100 {
			return digitByDigit(n)
		}
	case "chineseCountingThousand", "taiwaneseCountingThousand", "japaneseCounting":
		if n > 0 && n < 100000000 {
			return counting(n, zhDigits, zhUnits)
		}
	case "chineseLegalSimplified":
		if n > 0 && n < 100000000 {
			return counting(n, legalSimplified, legalUnits)
		}
	case "ideographLegalTraditional":
		if n > 0 && n < 100000000 {
			return counting(n, legalTraditional, legalUnits)
		}
	case "ideographDigital", "taiwaneseDigital", "japaneseDigitalTenThousand":
		if n >= 0 {
			return digitByDigit(n)
		}
	case "ideographTraditional":
		if n > 0 {
			return string(heavenlyStems[(n-1)%len(heavenlyStems)])
		}
	case "ideographZodiac":
		if n > 0 {
			return string(earthlyBranches[(n-1)%len(earthlyBranches)])
		}
	case "decimalEnclosedCircle", "decimalEnclosedCircleChinese":
		if n > 0 && n <= 20 {
			return string(rune(0x2460 + n - 1)) // ①
		}
	case "decimalEnclosedParen":
		if n > 0 && n <= 20 {
			return string(rune(0x2474 + n - 1)) // ⑴
		}
	case "decimalEnclosedFullstop":
		if n > 0 && n <= 20 {
			return string(rune(0x2488 + n - 1)) // ⒈
		}
	case "ideographEnclosedCircle":
		if n > 0 && n <= 10 {
			return string(rune(0x3280 + n - 1)) // ㊀
		}
	}
	return strconv.Itoa(n)
}

var (
	zhDigits         = []rune("〇一二三四五六七八九")
	legalSimplified  = []rune("零壹贰叁肆伍陆柒捌玖")
	legalTraditional = []rune("零壹貳參肆伍陸柒捌玖")
	zhUnits          = []rune("十百千万")
	legalUnits       = []rune("拾佰仟万")
	heavenlyStems    = []rune("甲乙丙丁戊己庚辛壬癸")
	earthlyBranches  = []rune("子丑寅卯辰巳午未申酉戌亥")
)

// counting prints 1 ≤ n < 10⁸ in Chinese counting: 十一, 二十, 一百零五,
// 一千零一十, 三万零二百.
func counting(n int, digits, units []rune) string {
	var b strings.Builder
	if n >= 10000 {
		b.WriteString(counting(n/10000, digits, units))
		b.WriteRune(units[3])
		n %= 10000
		if n == 0 {
			return b.String()
		}
	}
	// Ten to nineteen drop the leading 一 when they stand alone.
	if n >= 10 && n < 20 && b.Len() == 0 {
		b.WriteRune(units[0])
		if n > 10 {
			b.WriteRune(digits[n-10])
		}
		return b.String()
	}
	zero := false
	for i, p := range []int{1000, 100, 10, 1} {
		d := n / p % 10
		if d == 0 {
			zero = b.Len() > 0
			continue
		}
		if zero {
			b.WriteRune(digits[0])
			zero = false
		}
		b.WriteRune(digits[d])
		if p > 1 {
			b.WriteRune(units[2-i])
		}
	}
	return b.String()
}

func digitByDigit(n int) string {
	var b strings.Builder
	for _, c := range strconv.Itoa(n) {
		b.WriteRune(zhDigits[c-'0'])
	}
	return b.String()
}

func roman(n int) string {
	var b strings.Builder
	for _, r := range []struct {
		v int
		s string
	}{{1000, "M"}, {900, "CM"}, {500, "D"}, {400, "CD"}, {100, "C"}, {90, "XC"}, {50, "L"}, {40, "XL"}, {10, "X"}, {9, "IX"}, {5, "V"}, {4, "IV"}, {1, "I"}} {
		for n >= r.v {
			b.WriteString(r.s)
			n -= r.v
		}
	}
	return b.String()
}

func fullWidth(s string) string {
	var b strings.Builder
	for _, c := range s {
		if c >= '0' && c <= '9' {
			c += '０' - '0'
		}
		b.WriteRune(c)
	}
	return b.String()
}
