package rules

import "strings"

// countryCodes are the officially assigned ISO 3166-1 alpha-2 codes (249, as of ISO/TC 46
// N1108, 2023-04-05; the same list as the tz database's iso3166.tab). User-assigned codes such
// as XK are not included.
var countryCodes = setOf(`
AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ
BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ DE DJ DK DM
DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS
GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP KE KG KH KI KM KN
KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME MF MG MH MK ML MM MN MO MP MQ
MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM
PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV
SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI
VN VU WF WS YE YT ZA ZM ZW`)

// usStates are the USPS codes accepted as a US state: the 50 states, DC, the territories PR,
// GU, VI, AS and MP, and the military "states" AA, AE and AP. The freely associated states
// (FM, MH, PW) are not included: they have their own ISO country codes.
var usStates = setOf(`
AL AK AZ AR CA CO CT DE FL GA HI ID IL IN IA KS KY LA ME MD MA MI MN MS MO MT NE NV NH NJ
NM NY NC ND OH OK OR PA RI SC SD TN TX UT VT VA WA WV WI WY
DC PR GU VI AS MP AA AE AP`)

// caProvinces are the Canada Post codes of the 10 provinces and 3 territories.
var caProvinces = setOf(`AB BC MB NB NL NS NT NU ON PE QC SK YT`)

// streetAbbreviations maps upper-case words of address1/address2 to their USPS Publication 28
// abbreviation (keep the list in NormalizeAddress's documentation in step): street suffixes (appendix C1), directionals and secondary unit designators
// (appendix C2). Only words whose abbreviation is harmless wherever they appear in the line
// are listed, because the replacement is word-wise. Every abbreviation also maps to itself
// (init), so "ST." becomes "ST"; no abbreviation is itself a full word, which keeps
// NormalizeAddress idempotent.
var streetAbbreviations = map[string]string{
	// street suffixes
	"ALLEY": "ALY", "AVENUE": "AVE", "BOULEVARD": "BLVD", "BYPASS": "BYP", "CAUSEWAY": "CSWY",
	"CIRCLE": "CIR", "COURT": "CT", "CRESCENT": "CRES", "DRIVE": "DR", "EXPRESSWAY": "EXPY",
	"FORT": "FT", "FREEWAY": "FWY", "HEIGHTS": "HTS", "HIGHWAY": "HWY", "JUNCTION": "JCT",
	"LANE": "LN", "MOUNT": "MT", "PARKWAY": "PKWY", "PLACE": "PL", "PLAZA": "PLZ", "POINT": "PT",
	"ROAD": "RD", "ROUTE": "RTE", "SQUARE": "SQ", "STREET": "ST", "TERRACE": "TER", "TRAIL": "TRL",
	"TURNPIKE": "TPKE",
	// directionals
	"NORTH": "N", "SOUTH": "S", "EAST": "E", "WEST": "W",
	"NORTHEAST": "NE", "NORTHWEST": "NW", "SOUTHEAST": "SE", "SOUTHWEST": "SW",
	// secondary unit designators
	"APARTMENT": "APT", "BUILDING": "BLDG", "DEPARTMENT": "DEPT", "FLOOR": "FL", "ROOM": "RM",
	"SUITE": "STE",
}

func init() {
	abbrs := make([]string, 0, len(streetAbbreviations))
	for _, a := range streetAbbreviations {
		abbrs = append(abbrs, a)
	}
	for _, a := range abbrs {
		if full, ok := streetAbbreviations[a]; ok && full != a {
			panic("rules: abbreviation " + a + " is also a full word")
		}
		streetAbbreviations[a] = a
	}
}

// setOf builds a set from whitespace-separated words.
func setOf(words string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(words) {
		m[w] = true
	}
	return m
}
