package corpus

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

// Prose is written from these phrases. Slots in braces are filled by fill:
// {agency} {self} {site} {area} {level} {year} {prev} {period}, and the
// number slots of numberSlots. The phrases say nothing about the tables'
// values, so an injected error never contradicts them.

// intros open a report; each states the statistics period in {period}.
var intros = []string{
	"本报告根据《中华人民共和国政府信息公开条例》（以下简称《条例》）和《中华人民共和国政府信息公开工作年度报告格式》要求编制，全文包括总体情况、主动公开政府信息情况、收到和处理政府信息公开申请情况、政府信息公开行政复议和行政诉讼情况、存在的主要问题及改进情况、其他需要报告的事项。{period}",
	"根据《中华人民共和国政府信息公开条例》规定，现公布{agency}{year}年政府信息公开工作年度报告。{period}如对本报告有疑问，请与{agency}联系。",
	"为贯彻落实《中华人民共和国政府信息公开条例》，{agency}编制了{year}年政府信息公开工作年度报告。{period}本报告电子版可在{site}门户网站下载。",
	"本年度报告依据《中华人民共和国政府信息公开条例》和上级有关要求，由{agency}编制。{period}",
}

// periods state the statistics period; {p} is its year.
var periods = []string{
	"本报告中所列数据统计期限为{p}年1月1日至12月31日。",
	"本报告中所列数据统计期限为{p}年1月1日至12月31日。",
	"本报告所列数据的统计期限自{p}年1月1日起至{p}年12月31日止。",
	"本年度报告中所列数据统计期限为{p}年1月1日至{p}年12月31日。",
}

var overviewLeads = []string{
	"{year}年，{self}坚持以习近平新时代中国特色社会主义思想为指导，认真贯彻落实《中华人民共和国政府信息公开条例》，围绕中心工作，不断提高政务公开的质量和实效。",
	"{year}年，在{level}委、{level}政府的正确领导下，{self}严格落实政府信息公开各项工作要求，以公开促落实、促规范、促服务，政务公开工作取得新进展。",
	"{year}年，{self}以推进政务公开标准化规范化为主线，聚焦群众关切，扎实做好主动公开、依申请公开、政府信息管理、平台建设和监督保障等工作，全面提升政务公开工作水平。现将有关情况报告如下。",
	"{year}年，{self}持续深化政务公开，着力提升政府信息公开标准化、规范化水平，切实保障人民群众的知情权、参与权、表达权和监督权。",
}

// A topic is one of the five parts of 一、总体情况.
type topic struct {
	titles    []string
	sentences []string
}

var topics = []topic{
	{[]string{"主动公开", "主动公开情况", "主动公开方面"}, []string{
		"{year}年，{self}通过{site}门户网站主动公开各类政府信息{m}条，发布政策解读{n}篇。",
		"围绕重点领域信息公开，及时发布财政预决算、重大建设项目、公共资源配置等信息，做到应公开尽公开。",
		"严格落实政务公开标准目录，全年通过政务新媒体发布信息{m}条，召开新闻发布会{k}场。",
		"对规范性文件实行统一登记、统一编号、统一公开，文件公开前均履行合法性审查程序。",
		"在政府网站开设“{area}发布”专栏，集中发布涉及群众切身利益的政策措施，同步做好政策解读和回应关切工作。",
		"及时公开财政预决算和“三公”经费信息，公开内容完整、格式规范，便于公众查阅监督。",
	}},
	{[]string{"依申请公开", "依申请公开情况", "依申请公开方面"}, []string{
		"进一步规范依申请公开办理流程，严格按照受理、登记、审核、答复、归档的程序办理，所有申请均在法定期限内予以答复。",
		"及时更新政府信息公开指南，畅通线上线下申请渠道，依法保障公民、法人和其他组织获取政府信息的权利。",
		"对申请内容较复杂的事项，主动与申请人沟通，准确把握申请意图，提高答复的针对性和规范性。",
		"建立依申请公开会商机制，对涉及多个部门的申请事项，会同相关单位共同研究答复意见，确保答复内容合法、准确。",
		"加强答复文书的合法性审查，全年依申请公开工作未出现因答复不规范被纠错的情况。",
	}},
	{[]string{"政府信息管理", "政府信息管理情况", "政府信息管理方面"}, []string{
		"严格落实公开属性源头认定机制，对拟公开的政府信息实行“先审查、后公开”和“一事一审”制度。",
		"开展规范性文件清理工作，对现行有效的规范性文件进行集中梳理，并在网站专栏集中公开。",
		"加强政府信息发布审核，建立健全信息发布保密审查机制，全年未发生泄密事件。",
		"动态调整政府信息公开目录，对目录中的信息实行分类管理，确保公开内容准确、完整、及时。",
		"规范政府信息公开属性认定，对依申请公开较为集中的信息，及时转为主动公开。",
	}},
	{[]string{"政府信息公开平台建设", "平台建设情况", "信息公开平台建设方面"}, []string{
		"持续优化政府网站政府信息公开专栏，完善栏目设置，提升检索功能。",
		"加强政务新媒体管理，{self}现有政务微信公众号{k}个，全年发布信息{m}条。",
		"依托政务服务中心设立政务公开专区，配备查阅终端{k}台，方便群众查询。",
		"推动政府网站集约化建设，完成网站适老化和无障碍改造，进一步提升用户体验。",
		"发挥政务新媒体传播优势，开设“政策问答”栏目，以图文、短视频等群众喜闻乐见的形式解读政策。",
	}},
	{[]string{"监督保障", "监督保障情况", "监督保障方面"}, []string{
		"调整政务公开工作领导小组，主要负责同志亲自抓，分管负责同志具体抓，确保工作落实到位。",
		"将政务公开工作纳入年度绩效考核，全年组织业务培训{k}次，参训人员{m}人次。",
		"全年未发生因政府信息公开工作而被责任追究的情况。",
		"主动接受社会监督，在政府网站公布监督电话和电子邮箱，认真办理群众对政务公开工作的意见建议。",
		"定期开展政府网站和政务新媒体自查，发现问题立即整改，全年共整改各类问题{n}个。",
	}},
}

// Leads are printed above a table in some reports.
var tableLeads = []string{
	"{year}年，{self}主动公开政府信息情况如下：",
	"{year}年，{self}收到和处理政府信息公开申请情况如下：",
	"{year}年，{self}政府信息公开行政复议、行政诉讼情况如下：",
}

// noReviews replaces table 3 in the report that leaves it out.
const noReviews = "{year}年，{self}未发生因政府信息公开引起的行政复议、行政诉讼案件。"

var (
	problems = []string{
		"主动公开的深度和广度有待进一步拓展",
		"政策解读形式还不够丰富",
		"工作人员业务能力有待进一步提升",
		"信息更新的及时性还需加强",
		"依申请公开答复的规范性有待提高",
		"公开内容与群众需求的契合度还不够高",
	}
	improvements = []string{
		"加强业务培训，提升工作人员的政策水平和业务能力",
		"丰富政策解读形式，采用图解、视频等方式提高解读质量",
		"加强网站栏目日常维护，确保信息更新及时准确",
		"严格执行依申请公开办理流程，规范答复文书",
		"聚焦群众关切，扩大重点领域信息公开范围",
		"健全政务公开工作考核机制，压实工作责任",
	}
	problemsLeads = []string{
		"{year}年，{self}政府信息公开工作取得了一定成效，但也存在一些不足：",
		"对照上级要求和群众期盼，{self}政府信息公开工作仍存在一些问题：",
	}
	improvementsLeads = []string{
		"下一步，{self}将重点做好以下工作：",
		"改进措施：",
	}
	lastYearFixed = "{prev}年度报告中提出的问题均已整改完毕。"
)

// others are 六、其他需要报告的事项; the fee notice came with 国办函〔2020〕109号,
// so only reports from 2020 on cite it.
var (
	others = []string{
		"{year}年，{self}未收取信息处理费。",
		"本年度没有其他需要报告的事项。",
		"无。",
		"无",
		"{year}年，{self}共办理人大代表建议{n}件、政协提案{n}件，均已按时办结并公开答复。",
	}
	feeNotice = "按照《国务院办公厅关于印发〈政府信息公开信息处理费管理办法〉的通知》（国办函〔2020〕109号）规定的按件、按量收费标准，本年度{self}没有产生信息处理费。"
)

// Chinese numerals number headings and lists.
var numerals = []string{"一", "二", "三", "四", "五", "六", "七", "八", "九", "十"}

// filler fills phrase slots for one report.
type filler struct {
	rng  *rand.Rand
	vars []string // slot, value pairs for strings.NewReplacer
}

// numberSlots are filled with a fresh number each time: {k} a handful, {n}
// tens, {m} hundreds to thousands.
var numberSlots = []struct {
	slot   string
	lo, hi int
}{{"{k}", 1, 8}, {"{n}", 10, 90}, {"{m}", 120, 2600}}

func (f *filler) fill(s string) string {
	s = strings.NewReplacer(f.vars...).Replace(s)
	for _, n := range numberSlots {
		for strings.Contains(s, n.slot) {
			s = strings.Replace(s, n.slot, strconv.Itoa(between(f.rng, n.lo, n.hi)), 1)
		}
	}
	return s
}

// sentences returns k distinct phrases of xs, in a random order.
func sentences(rng *rand.Rand, xs []string, k int) []string {
	out := make([]string, 0, k)
	for _, i := range rng.Perm(len(xs))[:k] {
		out = append(out, xs[i])
	}
	return out
}

// enumerate joins items as 一是…；二是…。
func enumerate(items []string) string {
	var b strings.Builder
	for i, it := range items {
		if i > 0 {
			b.WriteString("；")
		}
		b.WriteString(numerals[i] + "是" + it)
	}
	b.WriteString("。")
	return b.String()
}
