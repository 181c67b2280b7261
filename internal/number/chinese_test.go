package number

import "testing"

func TestChinese(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want int
		ok   bool
	}{
		{"零", 0, true}, {"一", 1, true}, {"十", 10, true}, {"十二", 12, true},
		{"二十", 20, true}, {"二十三", 23, true}, {"一百零五", 105, true},
		{"一百一十", 110, true}, {"两千", 2000, true}, {"三千零二十一", 3021, true},
		{"一万二千", 12000, true}, {"三萬零一", 30001, true}, {"一〇五", 105, true},
		{"贰拾叁", 23, true}, {"兩", 2, true},
		{"", 0, false}, {"百", 0, false}, {"十百", 0, false}, {"二三十", 0, false},
		{"件", 0, false}, {"〇一", 0, false},
	} {
		got, ok := Chinese(tc.in)
		if ok != tc.ok || ok && got != tc.want {
			t.Errorf("Chinese(%q) = %d, %v; want %d, %v", tc.in, got, ok, tc.want, tc.ok)
		}
	}
}

func TestFormatChinese(t *testing.T) {
	for n, want := range map[int]string{0: "零", 7: "七", 10: "一十", 23: "二十三", 105: "一百零五",
		1005: "一千零五", 1050: "一千零五十", 12000: "一万二千", 30001: "三万零一"} {
		if got := FormatChinese(n); got != want {
			t.Errorf("FormatChinese(%d) = %q, want %q", n, got, want)
		}
	}
	for n := 0; n < 120000; n += 7 {
		if got, ok := Chinese(FormatChinese(n)); !ok || got != n {
			t.Fatalf("Chinese(FormatChinese(%d)) = %d, %v", n, got, ok)
		}
	}
}
