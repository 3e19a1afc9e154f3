// The rules of `pinna verify`. Each check names the element, the expected and the actual
// value, whose rule it is (the convention's, libmysofa's or both: verify_rules.hpp) and
// the fix where there is one. libmysofa's conditions follow its 1.3.1 sources (check.c,
// easy.c, reader.c), which Debian 12's renderers link.
#include "sofa/verify_rules.hpp"

#include <algorithm>
#include <cctype>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>
#include <tuple>

#include "core/text.hpp"
#include "sofa/verify_conventions.hpp"

namespace pinna::detail {
namespace {

constexpr const char* kHrir = "SimpleFreeFieldHRIR";
constexpr double kPi = 3.14159265358979323846;
constexpr double kMysofaTolerance = 1e-5;           // libmysofa's fequals()
constexpr double kEarToleranceM = 0.02;             // check.c: ears at (0, +-y, 0) within 2 cm
constexpr double kEarMinM = 0.03, kEarMaxM = 0.15;  // plausible distance of an ear from the centre
constexpr double kMinRateHz = 8000.0, kMaxRateHz = 384000.0;
constexpr std::size_t kMaxVariableAttributeBytes = 64;  // libmysofa: datatypes over 64 bytes
constexpr std::size_t kMaxGlobalAttributeBytes = 4000;  // libmysofa: "huge" heap objects
constexpr std::size_t kMaxChunkValues = std::size_t{1} << 20;
constexpr std::size_t kMaxVariableBytes = std::size_t{256} << 20;
constexpr const char* kConvert = "; re-write it with `pinna convert`";

struct Finding {
    Basis basis;
    std::string id, element, message;
};

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

bool ascii(const std::string& s) {
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// A value for a message: quoted, at most 60 characters, control characters and bytes that
// are not UTF-8 written as \xNN.
std::string quoted(const std::string& value) {
    std::string out = "\"";
    std::size_t shown = 0;
    for (std::size_t i = 0; i < value.size();) {
        if (++shown > 60) {
            out += "...";
            break;
        }
        const std::size_t n = utf8_sequence_length(value, i);
        const auto b = static_cast<unsigned char>(value[i]);
        if (n == 0 || (n == 1 && (b < 0x20 || b == 0x7f))) {
            char hex[8];
            std::snprintf(hex, sizeof hex, "\\x%02x", b);
            out += hex;
            i += 1;
        } else {
            out.append(value, i, n);
            i += n;
        }
    }
    return out + "\"";
}

std::string number(double v) {
    char text[32];
    std::snprintf(text, sizeof text, "%.6g", v);
    return text;
}

std::string dims_list(const std::vector<std::string>& alternatives) {
    std::string out;
    for (std::size_t i = 0; i < alternatives.size(); ++i) {
        std::string d = "(";
        for (std::size_t k = 0; k < alternatives[i].size(); ++k)
            d += std::string(k ? "," : "") + alternatives[i][k];
        out += (i == 0 ? "" : i + 1 == alternatives.size() ? " or " : ", ") + d + ")";
    }
    return out;
}

std::string joined_dims(const NcVariable& v) {
    std::string out;
    for (const std::string& d : v.dims)
        out += d;
    return out;
}

bool is_position_or_view(const std::string& name) {
    auto ends_with = [&](const char* suffix) {
        const std::string s = suffix;
        return name.size() > s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0;
    };
    return ends_with("Position") || ends_with("View");
}

// Units as SOFA readers compare them: lower case, aliases folded, split at ',' and spaces.
std::vector<std::string> unit_tokens(const std::string& units) {
    std::vector<std::string> out;
    std::string token;
    auto flush = [&]() {
        if (token.empty())
            return;
        const std::string t = lower(token);
        if (t == "metre" || t == "metres" || t == "meter" || t == "meters")
            out.push_back("metre");
        else if (t == "degree" || t == "degrees")
            out.push_back("degree");
        else
            out.push_back(t);
        token.clear();
    };
    for (const char c : units) {
        if (c == ',' || c == ' ' || c == '\t')
            flush();
        else
            token += c;
    }
    flush();
    return out;
}

// Whether "a.b.c" is at most 1.1.0 (libmysofa's exception for old ARI API files).
bool api_version_at_most_1_1_0(const std::string& version) {
    int a = 0, b = 0, c = 0;
    if (std::sscanf(version.c_str(), "%d.%d.%d", &a, &b, &c) != 3)
        return false;
    return std::make_tuple(a, b, c) <= std::make_tuple(1, 1, 0);
}

bool version_below(const std::string& version, double limit) {
    char* end = nullptr;
    const double v = std::strtod(version.c_str(), &end);
    return end != version.c_str() && v < limit;
}

class Judge {
  public:
    Judge(const SofaFacts& facts, SofaVerifyProfile profile) : f_(facts), profile_(profile) {}

    std::vector<SofaProblem> run() {
        if (!container())
            return problems();
        attribute_encodings();
        dimensions();
        convention();
        global_attributes();
        variables();
        storage();
        if (hrir_)
            libmysofa_geometry();
        values();
        libmysofa_view_of_attributes();
        readers();
        return problems();
    }

  private:
    void add(Basis basis, const char* id, std::string element, std::string message) {
        findings_.push_back({basis, id, std::move(element), std::move(message)});
    }

    std::vector<SofaProblem> problems() const {
        std::vector<SofaProblem> out;
        for (const Finding& x : findings_)
            out.push_back({severity_of(x.basis, profile_), x.id, x.element, x.message});
        return out;
    }

    // Whether some finding already says why libmysofa or pinna refuse the file.
    bool refusal_explained() const {
        return std::any_of(findings_.begin(), findings_.end(), [](const Finding& x) {
            return x.basis == Basis::hard || x.basis == Basis::both || x.basis == Basis::renderer;
        });
    }

    // libmysofa loaded the file: its load-stage refusals (sizes, filters, types) did not
    // happen here, whatever the byte-level facts suggest.
    bool mysofa_loaded() const { return f_.mysofa.ran && f_.mysofa.load == 0; }

    std::string fix() const { return f_.pinna_reads ? kConvert : ""; }

    // ---- the container ---------------------------------------------------------------
    bool container() {
        if (f_.hdf5_offset < 0) {
            if (f_.netcdf3)
                add(Basis::hard, "F003", "file",
                    "a netCDF-3 (classic) file: SOFA (AES69) files are netCDF-4/HDF5; convert it "
                    "with `nccopy -k nc4` and check it again");
            else
                add(Basis::hard, "F002", "file",
                    "not a SOFA file: no HDF5/netCDF-4 signature (" +
                        std::to_string(f_.file_bytes) + " bytes)");
            return false;
        }
        if (f_.hdf5_offset > 0 && !mysofa_loaded())
            add(Basis::renderer, "F002", "file",
                "the HDF5 data start at byte " + std::to_string(f_.hdf5_offset) +
                    " after a user block; libmysofa needs the HDF5 signature at byte 0 and "
                    "refuses the file (MYSOFA_INVALID_FORMAT (10000))" +
                    fix());
        if (f_.hdf5_offset == 0 && f_.eof_known && f_.eof_address != f_.file_bytes) {
            if (f_.eof_address > f_.file_bytes)
                add(Basis::hard, "F005", "file",
                    "the file is " + std::to_string(f_.file_bytes) +
                        " bytes but its HDF5 superblock says it ends at byte " +
                        std::to_string(f_.eof_address) + ": it is truncated");
            else if (!mysofa_loaded())
                add(Basis::renderer, "F005", "file",
                    "the file is " + std::to_string(f_.file_bytes) +
                        " bytes but its HDF5 superblock (version " +
                        std::to_string(f_.superblock_version) + ") says it ends at byte " +
                        std::to_string(f_.eof_address) +
                        ": bytes were appended; libmysofa refuses such files "
                        "(MYSOFA_INVALID_FORMAT (10000)); remove them (truncate -s " +
                        std::to_string(f_.eof_address) + ")" + fix());
        }
        if (!f_.netcdf_opened) {
            const MysofaFacts& m = f_.mysofa;
            std::string libmysofa = "not run";
            if (!m.ran && !m.crash.empty())
                libmysofa = "crashed on it: " + m.crash;
            else if (m.ran && m.load != 0)
                libmysofa = "mysofa_load fails with " + mysofa_code_name(m.load);
            else if (m.ran && m.check != 0)
                libmysofa =
                    "mysofa_load reads it, mysofa_check fails with " + mysofa_code_name(m.check);
            else if (m.ran && m.open != 0)
                libmysofa = "mysofa_load and mysofa_check pass, mysofa_open fails with " +
                            mysofa_code_name(m.open);
            else if (m.ran)
                libmysofa = "even mysofa_open accepts it (M = " + std::to_string(m.M) +
                            ", N = " + std::to_string(m.N) + "): renderers would play garbage";
            add(Basis::hard, "F004", "file",
                "netCDF-C cannot open it (" + f_.netcdf_error +
                    "): the netCDF-4/HDF5 structure is corrupt (libmysofa 1.3.1: " + libmysofa +
                    ")");
            return false;
        }
        return true;
    }

    // ---- attribute types, sizes and text ----------------------------------------------
    void attribute_encodings() {
        for (const NcAttribute& a : f_.globals) {
            const std::string element = "global:" + a.name;
            if (a.is_string()) {
                add(Basis::renderer, "A001", element,
                    "GLOBAL:" + a.name +
                        " is a variable-length string (NC_STRING); libmysofa cannot read it and "
                        "refuses the file (MYSOFA_UNSUPPORTED_FORMAT (10001)); store it as "
                        "fixed-length text (NC_CHAR, e.g. ncatted -a " +
                        a.name + ",global,o,c,...)");
            } else if (!a.is_char()) {
                add(Basis::renderer, "A003", element,
                    "GLOBAL:" + a.name + " is a " + nc_type_name(a.type) +
                        " attribute; SOFA attributes are text, and libmysofa refuses files with "
                        "any other global attribute (MYSOFA_UNSUPPORTED_FORMAT (10001)); store "
                        "it as text or remove it");
                continue;
            }
            if (a.is_char() && a.text.size() > kMaxGlobalAttributeBytes && !mysofa_loaded())
                add(Basis::renderer, "A005", element,
                    "GLOBAL:" + a.name + " is " + std::to_string(a.text.size()) +
                        " bytes; libmysofa 1.3.1 cannot read global attributes over about 4 kB "
                        "and refuses the file (MYSOFA_UNSUPPORTED_FORMAT (10001)); shorten it");
            text_encoding(a, element, "GLOBAL:" + a.name);
        }
        for (const NcVariable& v : f_.variables) {
            for (const NcAttribute& a : v.attributes) {
                const std::string element = "variable:" + v.name + ":" + a.name;
                const std::string label = v.name + ":" + a.name;
                if (a.is_string())
                    add(Basis::renderer, "A001", element,
                        label +
                            " is a variable-length string (NC_STRING); libmysofa reads it as "
                            "garbage (mysofa_check then fails); store it as fixed-length text "
                            "(NC_CHAR)" +
                            fix());
                if ((a.is_char() || a.is_string()) && a.text.size() > kMaxVariableAttributeBytes &&
                    !mysofa_loaded())
                    add(Basis::renderer, "A004", element,
                        label + " is " + std::to_string(a.text.size()) +
                            " bytes; libmysofa refuses variable attributes over 64 bytes "
                            "(MYSOFA_INVALID_FORMAT (10000)); shorten it");
                if (a.is_char() || a.is_string())
                    text_encoding(a, element, label);
            }
        }
    }

    void text_encoding(const NcAttribute& a, const std::string& element, const std::string& label) {
        if (!is_valid_utf8(a.text))
            add(Basis::convention, "A009", element,
                label + " is not valid UTF-8 (Latin-1 bytes?): " + quoted(a.text) +
                    "; tools that decode text (sofar, netCDF4-python) fail on it; re-encode it "
                    "as UTF-8");
        else if (!ascii(a.text) && a.is_char())
            add(Basis::note, "A006", element,
                label +
                    " holds non-ASCII UTF-8 text; fine as fixed-length text (NC_CHAR), but "
                    "tools that rewrite it as NC_STRING (netCDF4-python, sofar) make the file "
                    "unreadable for libmysofa");
    }

    // ---- dimensions ------------------------------------------------------------------
    void dimensions() {
        for (const char* d : {"I", "C", "M", "R", "E", "N"})
            if (!f_.dimension(d))
                add(Basis::hard, "D001", std::string("dimension:") + d,
                    std::string("dimension ") + d +
                        " is missing; SOFA files define I, C, M, R, E and N (libmysofa refuses "
                        "the file: MYSOFA_INVALID_FORMAT (10000))");
        for (const auto& [d, want] :
             {std::make_pair("I", std::size_t{1}), std::make_pair("C", std::size_t{3})}) {
            const NcDimension* dim = f_.dimension(d);
            if (dim && dim->length != want)
                add(Basis::hard, "D002", std::string("dimension:") + d,
                    std::string("dimension ") + d + " is " + std::to_string(dim->length) +
                        ", must be " + std::to_string(want));
        }
        for (const NcDimension& d : f_.dimensions)
            if (d.name.size() == 1 && std::string("ICMRENS").find(d.name) == std::string::npos &&
                !mysofa_loaded())
                add(Basis::renderer, "D003", "dimension:" + d.name,
                    "dimension " + d.name +
                        " is not a SOFA dimension (I, C, M, R, E, N, S); libmysofa refuses files "
                        "with other one-letter dimensions (MYSOFA_INVALID_FORMAT (10000))");
        const NcDimension* m = f_.dimension("M");
        if (m && m->length == 0)
            add(Basis::hard, "D005", "dimension:M", "M = 0: the file holds no measurements");
        const NcDimension* n = f_.dimension("N");
        if (n && n->length == 0)
            add(Basis::hard, "D005", "dimension:N",
                "N = 0: the measurements hold no samples (libmysofa accepts that; pinna does "
                "not)");
    }

    // ---- the declared convention -------------------------------------------------------
    void convention() {
        bool has_conventions = false;
        const std::string conventions = f_.global_text("Conventions", &has_conventions);
        if (!has_conventions)
            add(Basis::hard, "G001", "global:Conventions",
                "GLOBAL:Conventions is missing; must be \"SOFA\" (libmysofa refuses the file: "
                "MYSOFA_INVALID_FORMAT (10000))");
        else if (conventions != "SOFA")
            add(Basis::hard, "G001", "global:Conventions",
                "GLOBAL:Conventions is " + quoted(conventions) +
                    ", must be \"SOFA\" (libmysofa refuses the file)");

        bool has_name = false, has_version = false;
        name_ = f_.global_text("SOFAConventions", &has_name);
        version_ = f_.global_text("SOFAConventionsVersion", &has_version);
        sofa_version_ = f_.global_text("Version");
        hrir_ = name_ == kHrir;
        if (!has_name) {
            add(Basis::hard, "G002", "global:SOFAConventions",
                "GLOBAL:SOFAConventions is missing: the convention cannot be known, so only the "
                "checks common to every convention were run");
        } else {
            bool exact = false;
            spec_ = find_convention(name_, version_, &exact);
            if (!spec_) {
                const std::string retired = replacement_of_retired(name_);
                const std::string cased = convention_ignoring_case(name_);
                if (!retired.empty()) {
                    add(Basis::convention, "C002", "global:SOFAConventions",
                        "convention " + quoted(name_) + " is deprecated; use " + retired);
                } else if (!cased.empty()) {
                    add(Basis::convention, "C001", "global:SOFAConventions",
                        "GLOBAL:SOFAConventions is " + quoted(name_) +
                            ", not a convention name (names are case-sensitive); did you mean " +
                            quoted(cased) + "? Checked as " + cased);
                    spec_ = find_convention(cased, version_, &exact);
                    hrir_ = cased == kHrir;
                    hrir_spelled_wrong_ = hrir_;
                } else {
                    add(Basis::note, "C001", "global:SOFAConventions",
                        "convention " + quoted(name_) +
                            " is not one pinna knows; only the checks common to every "
                            "convention were run");
                }
            }
            if (spec_) {
                if (!spec_->replacement.empty())
                    add(Basis::convention, "C002", "global:SOFAConventions",
                        "convention " + spec_->name + " is deprecated; use " + spec_->replacement +
                            (hrir_ || !f_.pinna_reads
                                 ? std::string()
                                 : "; `pinna convert` re-writes it as SimpleFreeFieldHRIR"));
                convention_version(has_version, exact);
            }
        }
        if (has_name && !hrir_)
            not_for_renderers();
        if (hrir_spelled_wrong_)
            add(Basis::renderer, "R001", "global:SOFAConventions",
                "GLOBAL:SOFAConventions is " + quoted(name_) +
                    "; libmysofa compares it exactly with \"SimpleFreeFieldHRIR\" and refuses "
                    "the file (MYSOFA_INVALID_ATTRIBUTES (10004))" +
                    fix());

        bool has_sofa_version = false;
        f_.global_text("Version", &has_sofa_version);
        if (!has_sofa_version)
            add(Basis::convention, "G004", "global:Version",
                "GLOBAL:Version (the SOFA/AES69 version) is missing; expected \"1.0\", \"2.0\" or "
                "\"2.1\"" +
                    fix());
        else if (sofa_version_ != "1.0" && sofa_version_ != "2.0" && sofa_version_ != "2.1")
            add(Basis::note, "G004", "global:Version",
                "GLOBAL:Version is " + quoted(sofa_version_) +
                    (version_below(sofa_version_, 1.0)
                         ? ": a pre-standard SOFA version (AES69 defines 1.0, 2.0 and 2.1)"
                         : ", not one of the AES69 versions pinna knows (1.0, 2.0, 2.1)") +
                    fix());
    }

    void convention_version(bool has_version, bool exact) {
        const std::string checked = spec_->name + " " + spec_->version;
        if (!has_version) {
            add(Basis::convention, "G003", "global:SOFAConventionsVersion",
                "GLOBAL:SOFAConventionsVersion is missing (mandatory; " + spec_->name + " has " +
                    known_versions(spec_->name) + "); checked against " + checked + fix());
        } else if (!exact) {
            // spec_ is the newest table of the convention here.
            char* end = nullptr;
            const double declared = std::strtod(version_.c_str(), &end);
            const bool newer =
                end != version_.c_str() && *end == '\0' && version_below(spec_->version, declared);
            if (newer)
                add(Basis::note, "G003", "global:SOFAConventionsVersion",
                    spec_->name + " " + quoted(version_) +
                        " is newer than the versions pinna knows (" + known_versions(spec_->name) +
                        "); checked against " + checked);
            else
                add(Basis::convention, "G003", "global:SOFAConventionsVersion",
                    "GLOBAL:SOFAConventionsVersion is " + quoted(version_) + "; " + spec_->name +
                        " has " + known_versions(spec_->name) + "; checked against " + checked +
                        fix());
        } else if (version_below(version_, 1.0)) {
            add(Basis::note, "C003", "global:SOFAConventionsVersion",
                checked + " is a preliminary (pre-AES69) version of the convention" +
                    (f_.pinna_reads ? "; `pinna convert` re-writes it as SimpleFreeFieldHRIR 1.0"
                                    : std::string()));
        }
    }

    // R001: what mysofa_open refuses because of the convention itself.
    void not_for_renderers() {
        if (hrir_spelled_wrong_)
            return;  // reported with the spelling
        std::string why;
        const std::string data_type = f_.global_text("DataType");
        if (data_type.rfind("TF", 0) == 0)
            why = "; this file holds transfer functions (DataType " + quoted(data_type) +
                  "), and libmysofa and pinna read impulse responses";
        else if (data_type == "SOS")
            why =
                "; this file holds second-order sections, and libmysofa and pinna read "
                "impulse responses";
        if (f_.pinna_reads)
            why +=
                "; pinna reads it as an HRIR set: `pinna convert` re-writes it as "
                "SimpleFreeFieldHRIR";
        else if (f_.pinna_ran && why.empty())
            why += "; pinna cannot convert it either: " + f_.pinna_error;
        add(Basis::renderer, "R001", "global:SOFAConventions",
            "convention " + quoted(name_) +
                ": renderers built on libmysofa (mysofa_open) accept only SimpleFreeFieldHRIR "
                "and refuse it (MYSOFA_INVALID_ATTRIBUTES (10004))" +
                why);
    }

    // The global attributes libmysofa compares (it sees stale copies of attributes edited in
    // place, and accepts if any copy matches).
    std::vector<std::string> seen_by_libmysofa(const std::string& attribute_name) const {
        std::vector<std::string> out;
        if (mysofa_loaded()) {
            for (const auto& [key, value] : f_.mysofa.attributes)
                if (key == attribute_name)
                    out.push_back(value);
        } else {
            bool found = false;
            const std::string v = f_.global_text(attribute_name, &found);
            if (found)
                out.push_back(v);
        }
        return out;
    }

    // ---- global attributes -------------------------------------------------------------
    void global_attributes() {
        const std::string label = spec_ ? spec_->name + " " + spec_->version : "SOFA";
        bool has_data_type = false;
        const std::string data_type = f_.global_text("DataType", &has_data_type);
        if (spec_ && (!has_data_type || data_type != spec_->data_type)) {
            add(hrir_ ? Basis::hard : Basis::convention, "G005", "global:DataType",
                "GLOBAL:DataType is " + (has_data_type ? quoted(data_type) : "missing") + "; " +
                    label + " requires \"" + spec_->data_type + "\"" +
                    (hrir_ ? " (mysofa_check refuses the file: MYSOFA_INVALID_ATTRIBUTES (10004))"
                           : ""));
        } else if (!spec_ && !has_data_type) {
            add(Basis::convention, "G005", "global:DataType",
                "GLOBAL:DataType is missing (mandatory: FIR, FIR-E, TF, TF-E, SOS or Audio)");
        } else if (!spec_ && !known_data_type(data_type)) {
            add(Basis::convention, "G005", "global:DataType",
                "GLOBAL:DataType is " + quoted(data_type) +
                    ", not an AES69 data type (FIR, FIR-E, TF, TF-E, SOS, Audio)");
        }

        room_type(label);

        std::vector<std::string> mandatory;
        if (spec_)
            mandatory = spec_->globals;
        else
            for (const char* g :
                 {"Conventions", "Version", "SOFAConventions", "SOFAConventionsVersion", "APIName",
                  "APIVersion", "AuthorContact", "DataType", "License", "Organization", "RoomType",
                  "DateCreated", "DateModified", "Title"})
                mandatory.push_back(g);
        for (const std::string& g : mandatory) {
            if (g == "Conventions" || g == "SOFAConventions" || g == "SOFAConventionsVersion" ||
                g == "Version" || g == "DataType" || g == "RoomType" || f_.global(g))
                continue;  // reported by their own checks, or present
            add(Basis::convention, "M001", "global:" + g,
                "GLOBAL:" + g + " is missing (mandatory in " + label +
                    (g == "License"
                         ? "; default \"No license provided, ask the author for permission\")"
                         : "; it may be empty)") +
                    fix());
        }

        for (const char* g : {"DateCreated", "DateModified"}) {
            const std::string v = f_.global_text(g);
            if (v.empty())
                continue;
            const bool ok =
                v.size() >= 19 && std::all_of(v.begin(), v.begin() + 19, [i = 0](char c) mutable {
                    const int k = i++;
                    if (k == 4 || k == 7)
                        return c == '-';
                    if (k == 10)
                        return c == ' ' || c == 'T';
                    if (k == 13 || k == 16)
                        return c == ':';
                    return std::isdigit(static_cast<unsigned char>(c)) != 0;
                });
            if (!ok)
                add(Basis::note, "G008", std::string("global:") + g,
                    std::string("GLOBAL:") + g + " is " + quoted(v) +
                        ", not in the format \"yyyy-mm-dd HH:MM:SS\"");
        }

        for (const NcAttribute& a : f_.globals) {
            if (a.name.rfind("PRIVATE", 0) == 0) {
                add(Basis::convention, "G010", "global:" + a.name,
                    "GLOBAL:" + a.name + ": names starting with PRIVATE are reserved (AES69)");
                continue;
            }
            for (const NcVariable& v : f_.variables) {
                if (v.name.size() < 2 || a.name.size() <= v.name.size() + 1 ||
                    a.name.compare(0, v.name.size(), v.name) != 0)
                    continue;
                const char sep = a.name[v.name.size()];
                if (sep == '.' || sep == ':' || sep == '_') {
                    add(Basis::convention, "G010", "global:" + a.name,
                        "GLOBAL:" + a.name + " looks like an attribute of variable " + v.name +
                            "; store it as " + v.name + ":" + a.name.substr(v.name.size() + 1));
                    break;
                }
            }
        }
    }

    void room_type(const std::string& label) {
        bool has_room_type = false;
        const std::string room = f_.global_text("RoomType", &has_room_type);
        const std::string lowered = lower(room);
        if (hrir_) {
            // libmysofa 1.3.1's mysofa_check (lines 61-64 of check.c; removed in 1.3.2).
            const std::vector<std::string> seen = seen_by_libmysofa("RoomType");
            const bool accepted = std::any_of(seen.begin(), seen.end(), [](const std::string& v) {
                return v == "free field" || v == "reverberant" || v == "shoebox";
            });
            const std::string libmysofa =
                "; libmysofa 1.3.1's mysofa_check accepts only exactly \"free field\", "
                "\"reverberant\" or \"shoebox\" and refuses the file "
                "(MYSOFA_INVALID_ATTRIBUTES (10004); libmysofa 1.3.2 and later accept any); set "
                "\"free field\"" +
                fix();
            if (!has_room_type && !accepted) {
                add(Basis::both, "R003", "global:RoomType",
                    "GLOBAL:RoomType is missing (mandatory in " + label + ")" + libmysofa);
                return;
            }
            if (!accepted)
                add(Basis::renderer, "R003", "global:RoomType",
                    "GLOBAL:RoomType is " + quoted(room) + libmysofa);
        }
        if (!has_room_type) {
            add(Basis::convention, "M001", "global:RoomType",
                "GLOBAL:RoomType is missing (mandatory in " + label + ")" + fix());
            return;
        }
        if (spec_ && spec_->free_field && lowered != "free field") {
            add(Basis::convention, "G006", "global:RoomType",
                "GLOBAL:RoomType is " + quoted(room) + "; " + label + " requires \"free field\"" +
                    fix());
            return;
        }
        if (lowered != "free field" && lowered != "reverberant" && lowered != "shoebox" &&
            lowered != "dae") {
            add(Basis::convention, "G006", "global:RoomType",
                "GLOBAL:RoomType is " + quoted(room) +
                    ", not a SOFA room type (free field, reverberant, shoebox, dae)");
        } else if (lowered == "reverberant" && !f_.global("RoomDescription")) {
            add(Basis::convention, "G006", "global:RoomType",
                "GLOBAL:RoomType is \"reverberant\" but GLOBAL:RoomDescription is missing "
                "(required with it)");
        } else if (lowered == "shoebox" &&
                   (!f_.variable("RoomCornerA") || !f_.variable("RoomCornerB"))) {
            add(Basis::convention, "G006", "global:RoomType",
                "GLOBAL:RoomType is \"shoebox\" but the variables RoomCornerA and RoomCornerB "
                "are not both there (required with it)");
        } else if (lowered == "dae" && !f_.global("RoomGeometry")) {
            add(Basis::convention, "G006", "global:RoomType",
                "GLOBAL:RoomType is \"dae\" but GLOBAL:RoomGeometry is missing (required with "
                "it)");
        }
    }

    // ---- variables: presence, types, dimensions, attributes -----------------------------
    // The dimensions libmysofa's mysofa_check accepts for the variables it checks.
    static const std::vector<std::string>* mysofa_dims(const std::string& name) {
        static const std::map<std::string, std::vector<std::string>> kDims = {
            {"ListenerView", {"IC", "MC"}},       {"EmitterPosition", {"ECI", "ECM"}},
            {"Data.Delay", {"IR", "MR"}},         {"Data.SamplingRate", {"I"}},
            {"ReceiverPosition", {"RCI", "RCM"}}, {"SourcePosition", {"MC"}},
        };
        const auto it = kDims.find(name);
        return it == kDims.end() ? nullptr : &it->second;
    }

    static const char* mysofa_dims_rule(const std::string& name, int* code) {
        struct Rule {
            const char* variable;
            const char* id;
            int code;
        };
        static const Rule kRules[] = {
            {"ListenerView", "R005", 10006},     {"EmitterPosition", "R008", 10008},
            {"Data.Delay", "R009", 10009},       {"Data.SamplingRate", "R010", 10010},
            {"ReceiverPosition", "R011", 10011}, {"SourcePosition", "R014", 10014},
        };
        for (const Rule& r : kRules)
            if (name == r.variable) {
                *code = r.code;
                return r.id;
            }
        return nullptr;
    }

    static bool is_data_variable(const std::string& name) { return name.rfind("Data.", 0) == 0; }

    void variables() {
        const std::string label = spec_ ? spec_->name + " " + spec_->version : "";
        for (const NcVariable& v : f_.variables)
            if (v.name.size() == 1 && !mysofa_loaded())
                add(Basis::renderer, "D004", "variable:" + v.name,
                    "variable " + v.name +
                        " has the name of a dimension (a coordinate variable, as transfer-"
                        "function conventions store their frequencies); libmysofa 1.3.1 cannot "
                        "load such files (MYSOFA_INVALID_FORMAT (10000))");
        if (spec_) {
            for (const VariableSpec& s : spec_->variables) {
                const NcVariable* v = f_.variable(s.name);
                if (!v && s.mandatory)
                    missing_variable(s, label);
                else if (v)
                    known_variable(*v, s, label);
            }
            for (const NcVariable& v : f_.variables) {
                if (v.name.size() == 1 || spec_->variable(v.name))
                    continue;
                const bool odd_type = v.is_numeric() && !v.is_double();
                add(Basis::note, "X001", "variable:" + v.name,
                    "custom variable " + v.name + " (" + v.dims_text() + ", " +
                        nc_type_name(v.type) + ") is not part of " + label +
                        (odd_type ? "; not double: libmysofa 1.3.1 may drop it" : ""));
            }
        }
        for (const NcVariable& v : f_.variables)
            variable_attributes(v, label);
        for (const auto& [up, view] : {std::make_pair("ListenerUp", "ListenerView"),
                                       std::make_pair("SourceUp", "SourceView"),
                                       std::make_pair("ReceiverUp", "ReceiverView"),
                                       std::make_pair("EmitterUp", "EmitterView")})
            if (f_.variable(up) && !f_.variable(view))
                add(Basis::convention, "V004", std::string("variable:") + up,
                    std::string(up) + " is given without " + view +
                        " (AES69: an Up vector needs its View)" + fix());
    }

    void missing_variable(const VariableSpec& s, const std::string& label) {
        static const std::map<std::string, std::string> kDefaults = {
            {"ListenerPosition", "(0, 0, 0)"},
            {"ListenerUp", "(0, 0, 1)"},
            {"ListenerView", "(1, 0, 0)"},
            {"EmitterPosition", "(0, 0, 0)"},
            {"SourcePosition", "(0, 0, 1)"},
            {"ReceiverPosition", "(0, 0.09, 0) and (0, -0.09, 0)"},
            {"Data.Delay", "zeros (I,R)"},
        };
        const auto def = kDefaults.find(s.name);
        std::string message = "variable " + s.name + " is missing (mandatory in " + label +
                              (def != kDefaults.end() ? "; default " + def->second : "") + ")";
        Basis basis = Basis::convention;
        // Without its data, its sampling rate or its directions a file cannot be used at
        // all; a missing Data.Delay just means no delays.
        if ((is_data_variable(s.name) && s.name != "Data.Delay") || s.name == "SourcePosition")
            basis = Basis::hard;
        int code = 0;
        if (hrir_ && mysofa_dims_rule(s.name, &code) && s.name != "ListenerView" &&
            s.name != "Data.Delay") {
            message += "; mysofa_check refuses the file (" + mysofa_code_name(code) + ")";
            if (basis == Basis::convention)
                basis = Basis::both;
        }
        add(basis, "M004", "variable:" + s.name, message + fix());
    }

    void known_variable(const NcVariable& v, const VariableSpec& s, const std::string& label) {
        const std::string element = "variable:" + v.name;
        if (s.text)
            return;
        if (!v.is_double()) {
            static const std::set<std::string> kRead = {
                "ListenerPosition", "ReceiverPosition",  "SourcePosition",
                "EmitterPosition",  "ListenerUp",        "ListenerView",
                "Data.IR",          "Data.SamplingRate", "Data.Delay"};
            const bool read = kRead.count(v.name) != 0;
            add(hrir_ && read ? Basis::both : Basis::convention, "V002", element,
                "variable " + v.name + " is " + nc_type_name(v.type) +
                    "; SOFA stores every numeric variable as double" +
                    (read ? std::string("; libmysofa drops other types, and the variable comes "
                                        "back empty") +
                                (v.name == "Data.IR" ? " (mysofa_open fails)" : "")
                          : std::string()) +
                    fix());
        }
        const std::string dims = joined_dims(v);
        std::vector<std::string> allowed = s.dims;
        // SOFA 1.0 (AES69-2015) allowed one sampling rate only; (M) came with SOFA 2.0.
        if (v.name == "Data.SamplingRate" && version_below(sofa_version_, 2.0))
            allowed.erase(std::remove(allowed.begin(), allowed.end(), "M"), allowed.end());
        const bool convention_ok = std::find(allowed.begin(), allowed.end(), dims) != allowed.end();
        if (hrir_ && mysofa_dims(v.name)) {
            mysofa_dimension_rule(v, !convention_ok, allowed, label);
            return;
        }
        if (convention_ok)
            return;
        if (is_data_variable(v.name) && s.mandatory && v.name != "Data.Delay" &&
            v.name != "Data.SamplingRate")
            add(Basis::hard, "S005", element,
                "variable " + v.name + " has dimensions (" + v.dims_text() + "); " + label +
                    " requires " + dims_list(allowed) +
                    (v.name == "Data.IR"
                         ? ": pinna refuses it, and libmysofa reads it without an error in the "
                           "wrong order"
                         : ""));
        else
            add(Basis::convention, "V003", element,
                "variable " + v.name + " has dimensions (" + v.dims_text() + "); " + label +
                    " allows " + dims_list(allowed) + fix());
    }

    // A variable whose dimensions libmysofa's mysofa_check tests (SimpleFreeFieldHRIR).
    void mysofa_dimension_rule(const NcVariable& v, bool convention_wrong,
                               const std::vector<std::string>& allowed = {},
                               const std::string& label = {}) {
        int code = 0;
        const char* id = mysofa_dims_rule(v.name, &code);
        const std::vector<std::string>& accepted = *mysofa_dims(v.name);
        const std::string dims = joined_dims(v);
        const bool mysofa_ok = std::find(accepted.begin(), accepted.end(), dims) != accepted.end();
        const std::string element = "variable:" + v.name;
        if (mysofa_ok) {
            if (convention_wrong)
                add(Basis::convention, "V003", element,
                    "variable " + v.name + " has dimensions (" + v.dims_text() + "); " + label +
                        " allows " + dims_list(allowed) + fix());
            return;
        }
        std::string message = "variable " + v.name + " has dimensions (" + v.dims_text() +
                              "); libmysofa's mysofa_check accepts only " + dims_list(accepted) +
                              " and refuses the file (" + mysofa_code_name(code) + ")";
        if (!convention_wrong && v.name == "Data.SamplingRate")
            message += "; (M) is valid SOFA 2.x, but renderers need one rate";
        else if (!convention_wrong && v.name == "SourcePosition")
            message += "; (I,C) is valid SOFA, but renderers need one position per measurement";
        add(convention_wrong ? Basis::both : Basis::renderer, id, element, message + fix());
    }

    void variable_attributes(const NcVariable& v, const std::string& label) {
        if (is_position_or_view(v.name))
            coordinate_attributes(v);
        if (v.name == "Data.SamplingRate") {
            bool found = false;
            const std::string units = v.text("Units", &found);
            const std::string element = "variable:Data.SamplingRate:Units";
            if (!found)
                add(Basis::convention, "U004", element,
                    "Data.SamplingRate:Units is missing; must be \"hertz\"" + fix());
            else if (lower(units) != "hertz")
                add(Basis::convention, "U004", element,
                    "Data.SamplingRate:Units is " + quoted(units) +
                        ", must be \"hertz\" (\"Hz\" is not a SOFA unit)" + fix());
            else if (units != "hertz")
                add(Basis::note, "U003", element,
                    "Data.SamplingRate:Units " + quoted(units) +
                        " is read as \"hertz\"; write it lower case" + fix());
        }
        if (!spec_)
            return;
        for (const std::string& required : spec_->attributes) {
            const std::size_t colon = required.find(':');
            if (required.compare(0, colon, v.name) != 0 || colon != v.name.size())
                continue;
            const std::string attr = required.substr(colon + 1);
            if (!v.attribute(attr))
                add(Basis::convention, "M003", "variable:" + required,
                    required + " is missing (mandatory in " + label + ")");
        }
    }

    void coordinate_attributes(const NcVariable& v) {
        const std::string& name = v.name;
        bool has_type = false, has_units = false;
        const std::string type = v.text("Type", &has_type);
        const std::string units = v.text("Units", &has_units);
        const std::string lowered = lower(type);
        const bool harmonics_allowed = name == "ReceiverPosition" || name == "EmitterPosition";
        const bool type_ok = lowered == "cartesian" || lowered == "spherical" ||
                             (harmonics_allowed && lowered == "spherical harmonics");
        const std::string element = "variable:" + name + ":Type";

        // What libmysofa makes of the Type (SimpleFreeFieldHRIR files only).
        std::string libmysofa;
        if (hrir_) {
            if (name == "ListenerView" && type != "cartesian" && type != "spherical")
                libmysofa =
                    "; libmysofa needs exactly \"cartesian\" or \"spherical\" here and "
                    "refuses the file (MYSOFA_INVALID_COORDINATE_TYPE (10007))";
            else if (name == "ReceiverPosition" && type != "cartesian")
                libmysofa =
                    "; libmysofa needs exactly \"cartesian\" here and refuses the file "
                    "(MYSOFA_RECEIVERS_WITH_CARTESIAN_SUPPORTED (10012))";
            else if (name == "SourcePosition" && type != "cartesian" && type != "spherical")
                libmysofa =
                    "; libmysofa compares it exactly with \"cartesian\" and "
                    "\"spherical\", and mysofa_open fails "
                    "(MYSOFA_INTERNAL_ERROR (-1))";
        }
        const Basis with_libmysofa = libmysofa.empty() ? Basis::convention : Basis::both;
        if (!has_type) {
            add(with_libmysofa, "T001", element,
                name + ":Type is missing; must be \"cartesian\" or \"spherical\"" + libmysofa +
                    fix());
        } else if (!type_ok) {
            add(with_libmysofa, "T002", element,
                name + ":Type is " + quoted(type) + ", must be \"cartesian\" or \"spherical\"" +
                    (harmonics_allowed ? std::string(" (or \"spherical harmonics\")") : "") +
                    libmysofa + fix());
        } else if (type != lowered) {
            add(with_libmysofa, "T003", element,
                name + ":Type is " + quoted(type) + "; write it lower case (" + quoted(lowered) +
                    ")" + libmysofa + fix());
        } else if (!libmysofa.empty()) {
            // A valid Type libmysofa refuses: only ReceiverPosition's "spherical" (and
            // "spherical harmonics") get here.
            add(Basis::renderer, "R012", element,
                name + ":Type is " + quoted(type) + libmysofa + fix());
        }

        const std::string units_element = "variable:" + name + ":Units";
        const bool cartesian = lowered == "cartesian";
        const std::string expected = cartesian ? "metre" : "degree, degree, metre";
        if (!has_units) {
            add(Basis::convention, "U001", units_element,
                name + ":Units is missing; must be \"" +
                    (type_ok ? expected : std::string("metre\" or \"degree, degree, metre")) +
                    "\"" + fix());
            return;
        }
        if (!type_ok)
            return;  // nothing to compare with
        const std::vector<std::string> tokens = unit_tokens(units);
        const bool fits = cartesian
                              ? (tokens == std::vector<std::string>{"metre"} ||
                                 tokens == std::vector<std::string>{"metre", "metre", "metre"})
                              : tokens == std::vector<std::string>{"degree", "degree", "metre"};
        if (!fits)
            add(Basis::convention, "U002", units_element,
                name + ":Units is " + quoted(units) + ", which does not fit Type " + quoted(type) +
                    " (expected \"" + expected + "\")" + fix());
        else if (units != expected)
            add(Basis::note, "U003", units_element,
                name + ":Units " + quoted(units) + " is read as \"" + expected + "\"; write \"" +
                    expected + "\"" + fix());
    }

    // ---- HDF5 storage (what libmysofa's reader can decode) -----------------------------
    void storage() {
        for (const NcVariable& v : f_.variables) {
            const std::string element = "variable:" + v.name;
            if (v.storage == 2 /* NC_COMPACT */ && !mysofa_loaded())
                add(Basis::renderer, "H007", element,
                    "variable " + v.name +
                        " uses HDF5's compact storage; libmysofa reads only contiguous or "
                        "chunked data and refuses the file (MYSOFA_INVALID_FORMAT (10000))" +
                        fix());
            if (v.storage == 0 /* NC_CHUNKED */) {
                if (!v.deflate && !mysofa_loaded())
                    add(Basis::renderer, "H001", element,
                        "variable " + v.name + " is stored in chunks " +
                            (v.shuffle ? "with the shuffle filter but " : "") +
                            "without compression; libmysofa reads chunked data only when it is "
                            "deflated and shuffled and refuses the file "
                            "(MYSOFA_INVALID_FORMAT (10000)); store it contiguous or deflated "
                            "with shuffle" +
                            fix());
                if (v.deflate && !v.shuffle)
                    add(Basis::renderer, "H002", element,
                        "variable " + v.name +
                            " is deflated without the shuffle filter; libmysofa always "
                            "un-shuffles, so its values come back scrambled without an error; "
                            "store it deflated with shuffle" +
                            fix());
                if (v.dims.size() >= 4)
                    add(Basis::renderer, "H004", element,
                        "variable " + v.name + " is a chunked " + std::to_string(v.dims.size()) +
                            "-D array; libmysofa before 1.3.4 (1.3.1 here) reads no values from "
                            "it, without an error" +
                            fix());
                std::size_t chunk_values = 1;
                for (const std::size_t c : v.chunks)
                    chunk_values *= c;
                if (!v.chunks.empty() && chunk_values >= kMaxChunkValues && !mysofa_loaded())
                    add(Basis::renderer, "H005", element,
                        "variable " + v.name + " is stored in chunks of " +
                            std::to_string(chunk_values) +
                            " values; libmysofa 1.3.1 refuses chunks of 2^20 values or more "
                            "(MYSOFA_INVALID_FORMAT (10000))" +
                            fix());
            }
            if ((v.fletcher32 || !v.other_filters.empty()) && !mysofa_loaded()) {
                std::string filters = v.fletcher32 ? "fletcher32" : "";
                for (const unsigned id : v.other_filters)
                    filters += (filters.empty() ? "" : ", ") +
                               (id == 4 ? std::string("szip") : "filter " + std::to_string(id));
                add(Basis::renderer, "H003", element,
                    "variable " + v.name + " uses the HDF5 filter " + filters +
                        "; libmysofa decodes only deflate and shuffle and refuses the file "
                        "(MYSOFA_INVALID_FORMAT (10000))" +
                        fix());
            }
            if (v.is_numeric() && v.size() * (v.is_double() ? 8 : 4) > kMaxVariableBytes &&
                !mysofa_loaded())
                add(Basis::renderer, "H006", element,
                    "variable " + v.name + " holds " + std::to_string(v.size()) +
                        " values, over 256 MiB; libmysofa 1.3.1 refuses variables that large "
                        "(MYSOFA_INVALID_FORMAT (10000))");
            if (v.values_unreadable)
                add(Basis::hard, "F004", element,
                    "the values of variable " + v.name +
                        " cannot be read (netCDF-C/HDF5 error): the file is corrupt");
        }
    }

    // ---- libmysofa's checks of the geometry (SimpleFreeFieldHRIR) -----------------------
    void libmysofa_geometry() {
        const std::size_t R = f_.dimension_length("R", 2), E = f_.dimension_length("E", 1);
        if (f_.dimension("R") && R != 2)
            add(Basis::renderer, "R004", "dimension:R",
                "R = " + std::to_string(R) +
                    ": libmysofa (mysofa_check) needs exactly 2 receivers, the ears, and "
                    "refuses the file (MYSOFA_INVALID_DIMENSIONS (10005))");
        if (f_.dimension("E") && E != 1)
            add(Basis::both, "R004", "dimension:E",
                "E = " + std::to_string(E) +
                    ": SimpleFreeFieldHRIR has one emitter; libmysofa refuses the file "
                    "(MYSOFA_INVALID_DIMENSIONS (10005))");

        const NcVariable* view = f_.variable("ListenerView");
        if (view && view->values_read &&
            (view->dims_text() == "I,C" || view->dims_text() == "M,C")) {
            const std::string type = view->text("Type");
            const double want[3] = {type == "spherical" ? 0.0 : 1.0, 0.0,
                                    type == "spherical" ? 1.0 : 0.0};
            if (type == "cartesian" || type == "spherical")
                for (std::size_t i = 0; i + 2 < view->values.size(); i += 3)
                    if (std::abs(view->values[i] - want[0]) >= kMysofaTolerance ||
                        std::abs(view->values[i + 1] - want[1]) >= kMysofaTolerance ||
                        std::abs(view->values[i + 2] - want[2]) >= kMysofaTolerance) {
                        add(Basis::renderer, "R006", "variable:ListenerView",
                            "ListenerView is (" + number(view->values[i]) + ", " +
                                number(view->values[i + 1]) + ", " + number(view->values[i + 2]) +
                                ")" + (i ? " in measurement " + std::to_string(i / 3) : "") +
                                "; libmysofa accepts only a listener looking along +x (" +
                                (type == "spherical" ? "0, 0, 1 spherical" : "1, 0, 0") +
                                ") and refuses the file (MYSOFA_INVALID_FORMAT (10000))" + fix());
                        break;
                    }
        }

        const NcVariable* emitter = f_.variable("EmitterPosition");
        if (emitter && emitter->values_read &&
            (emitter->dims_text() == "E,C,I" || emitter->dims_text() == "E,C,M"))
            for (std::size_t i = 0; i < emitter->values.size(); ++i)
                if (!(std::abs(emitter->values[i]) < kMysofaTolerance)) {
                    add(Basis::renderer, "R008", "variable:EmitterPosition",
                        "EmitterPosition has the value " + number(emitter->values[i]) +
                            "; libmysofa requires the emitter at (0, 0, 0) and refuses the file "
                            "(MYSOFA_ONLY_EMITTER_WITH_ECI_SUPPORTED (10008))" +
                            fix());
                    break;
                }

        receivers();
    }

    void receivers() {
        const NcVariable* rp = f_.variable("ReceiverPosition");
        if (!rp || !rp->values_read || rp->text("Type") != "cartesian")
            return;
        const std::string dims = rp->dims_text();
        if (dims != "R,C,I" && dims != "R,C,M")
            return;
        const std::vector<double>& v = rp->values;
        const std::size_t R = rp->shape[0], C = rp->shape[1], M = rp->shape[2];
        if (dims == "R,C,M" && M > 1) {
            // libmysofa needs the same positions in every measurement.
            for (std::size_t r = 0; r < R; ++r)
                for (std::size_t c = 0; c < C; ++c)
                    for (std::size_t m = 1; m < M; ++m)
                        if (v[(r * 3 + c) * M + m] != v[(r * 3 + c) * M]) {
                            add(Basis::renderer, "R011", "variable:ReceiverPosition",
                                "ReceiverPosition (R,C,M) changes between measurements; "
                                "libmysofa needs one position per receiver and refuses the file "
                                "(MYSOFA_RECEIVERS_WITH_RCI_SUPPORTED (10011))" +
                                    fix());
                            return;
                        }
        }
        if (R < 2 || v.size() < 6)
            return;
        // libmysofa reads the first six values as (x, y, z) of receivers 0 and 1, as stored
        // in (R,C,I) order; a constant (R,C,M) array has the same values at the same places
        // only when M = 1, and check.c reads it that way regardless.
        const double x0 = v[0], y0 = v[1], z0 = v[2], x1 = v[3], y1 = v[4], z1 = v[5];
        const std::string shown = "(" + number(x0) + ", " + number(y0) + ", " + number(z0) +
                                  ") and (" + number(x1) + ", " + number(y1) + ", " + number(z1) +
                                  ")";
        if (std::abs(x0) >= kEarToleranceM || std::abs(z0) >= kEarToleranceM ||
            std::abs(x1) >= kEarToleranceM || std::abs(z1) >= kEarToleranceM ||
            std::abs(y0 + y1) >= kEarToleranceM) {
            add(Basis::renderer, "R013", "variable:ReceiverPosition",
                "ReceiverPosition puts the receivers at " + shown +
                    "; libmysofa needs the ears at (0, y, 0) and (0, -y, 0) within 2 cm and "
                    "refuses the file (MYSOFA_INVALID_RECEIVER_POSITIONS (10013))" +
                    fix());
        } else if (y0 < 0) {
            const std::vector<std::string> names = seen_by_libmysofa("APIName");
            const std::vector<std::string> versions = seen_by_libmysofa("APIVersion");
            const bool old_ari =
                std::find(names.begin(), names.end(), "ARI SOFA API for Matlab/Octave") !=
                    names.end() &&
                std::any_of(versions.begin(), versions.end(), api_version_at_most_1_1_0);
            if (old_ari)
                add(Basis::renderer_warning, "R013", "variable:ReceiverPosition",
                    "receiver 0 is at y = " + number(y0) +
                        " m, on the right: receiver 0 must be the left ear (y > 0); libmysofa "
                        "tolerates it only because an ARI SOFA API up to 1.1.0 wrote the file "
                        "(that API listed the receiver positions the wrong way round)" +
                        fix());
            else
                add(Basis::renderer, "R013", "variable:ReceiverPosition",
                    "receiver 0 is at y = " + number(y0) +
                        " m, on the right: receiver 0 must be the left ear (y > 0); libmysofa "
                        "refuses the file (MYSOFA_INVALID_RECEIVER_POSITIONS (10013))" +
                        fix());
        }
    }

    // ---- values ----------------------------------------------------------------------
    void values() {
        sampling_rate();
        delays();
        for (const char* name : {"Data.IR", "Data.Real", "Data.Imag", "Data.SOS"})
            if (const NcVariable* v = f_.variable(name))
                finite(*v);
        for (const char* name : {"SourcePosition", "ReceiverPosition", "ListenerPosition",
                                 "EmitterPosition", "ListenerView", "ListenerUp"})
            if (const NcVariable* v = f_.variable(name))
                finite(*v);
        silent_measurements();
        ear_distance();
        source_positions();
        up_and_view();
    }

    void sampling_rate() {
        const NcVariable* v = f_.variable("Data.SamplingRate");
        if (!v || !v->values_read || v->values.empty())
            return;
        const std::string element = "variable:Data.SamplingRate";
        for (const double fs : v->values)
            if (!std::isfinite(fs) || fs <= 0.0) {
                add(Basis::hard, "S001", element,
                    "Data.SamplingRate is " + number(fs) +
                        "; must be a finite positive number of hertz");
                return;
            }
        for (const double fs : v->values)
            if (fs != v->values[0]) {
                add(Basis::renderer, "S002", element,
                    "Data.SamplingRate differs between measurements (" + number(v->values[0]) +
                        " and " + number(fs) + " Hz); pinna and libmysofa need one rate");
                return;
            }
        const double fs = v->values[0];
        if (fs < kMinRateHz || fs > kMaxRateHz)
            add(Basis::convention, "S003", element,
                "Data.SamplingRate is " + number(fs) +
                    " Hz, outside the plausible 8 kHz to 384 kHz (libmysofa's resampler needs at "
                    "least 8 kHz)");
    }

    void delays() {
        const NcVariable* v = f_.variable("Data.Delay");
        if (!v || !v->values_read)
            return;
        for (std::size_t i = 0; i < v->values.size(); ++i)
            if (!std::isfinite(v->values[i]) || v->values[i] < 0.0) {
                add(Basis::hard, "S004", "variable:Data.Delay",
                    "Data.Delay value " + std::to_string(i) + " is " + number(v->values[i]) +
                        "; delays are finite non-negative numbers of samples");
                return;
            }
    }

    void finite(const NcVariable& v) {
        if (!v.values_read)
            return;
        std::size_t bad = 0, first = 0;
        for (std::size_t i = 0; i < v.values.size(); ++i)
            if (!std::isfinite(v.values[i]) && bad++ == 0)
                first = i;
        if (bad == 0)
            return;
        std::string where = "value " + std::to_string(first);
        if (v.dims_text() == "M,R,N" && v.shape.size() == 3 && v.shape[1] && v.shape[2])
            where = "measurement " + std::to_string(first / (v.shape[1] * v.shape[2])) +
                    ", receiver " + std::to_string(first / v.shape[2] % v.shape[1]) + ", sample " +
                    std::to_string(first % v.shape[2]);
        add(Basis::hard, "S006", "variable:" + v.name,
            "variable " + v.name + " holds " + std::to_string(bad) +
                " values that are not finite (NaN or infinite; first: " + where + ")");
    }

    void silent_measurements() {
        const NcVariable* ir = f_.variable("Data.IR");
        if (!ir || !ir->values_read || ir->shape.empty() || ir->shape[0] == 0 || ir->values.empty())
            return;
        const std::size_t M = ir->shape[0], per = ir->values.size() / M;
        if (per == 0)
            return;  // N = 0 is reported as such
        std::size_t silent = 0, first = 0;
        for (std::size_t m = 0; m < M; ++m) {
            const auto begin = ir->values.begin() + static_cast<std::ptrdiff_t>(m * per);
            if (std::all_of(begin, begin + static_cast<std::ptrdiff_t>(per),
                            [](double x) { return x == 0.0; }) &&
                silent++ == 0)
                first = m;
        }
        if (silent > 0)
            add(Basis::convention, "S007", "variable:Data.IR",
                "Data.IR: " + std::to_string(silent) + " of " + std::to_string(M) +
                    " measurements are all zero (first: measurement " + std::to_string(first) +
                    ")");
    }

    void ear_distance() {
        const NcVariable* rp = f_.variable("ReceiverPosition");
        if (!rp || !rp->values_read || rp->values.size() < 6 || rp->shape.size() < 2 ||
            rp->shape[0] != 2 || rp->shape[1] != 3 || lower(rp->text("Type")) != "cartesian")
            return;
        const std::string data_type = f_.global_text("DataType");
        if (data_type != "FIR" && data_type != "TF" && data_type != "SOS")
            return;                                 // not ears necessarily
        const std::size_t stride = rp->size() / 6;  // values per (receiver, coordinate)
        const double y0 = rp->values[1 * stride], y1 = rp->values[4 * stride];
        for (const double y : {y0, y1})
            if (std::abs(y) < kEarMinM || std::abs(y) > kEarMaxM) {
                add(Basis::convention, "P006", "variable:ReceiverPosition",
                    "ReceiverPosition puts the ears at y = " + number(y0) + " and " + number(y1) +
                        " m; ears are 0.03 to 0.15 m from the centre of the head (another "
                        "unit?)" +
                        (f_.pinna_reads ? "; `pinna convert` writes them at +-0.09 m" : ""));
                return;
            }
    }

    void source_positions() {
        const NcVariable* sp = f_.variable("SourcePosition");
        if (!sp || !sp->values_read || sp->dims_text() != "M,C" || sp->shape[1] != 3 ||
            sp->values.size() < 3)
            return;
        const std::string type = lower(sp->text("Type"));
        const std::vector<std::string> units = unit_tokens(sp->text("Units"));
        const bool degrees = units.size() < 2 || (units[0] == "degree" && units[1] == "degree");
        const std::size_t M = sp->values.size() / 3;
        const std::string element = "variable:SourcePosition";
        std::size_t no_direction = 0, beyond_pole = 0;
        double largest_angle = 0.0;
        std::vector<std::tuple<long long, long long, long long>> keys;
        for (std::size_t m = 0; m < M; ++m) {
            double az = sp->values[3 * m], el = sp->values[3 * m + 1], r = sp->values[3 * m + 2];
            if (type == "cartesian") {
                const double x = az, y = el, z = r;
                r = std::sqrt(x * x + y * y + z * z);
                if (r == 0.0) {
                    ++no_direction;
                    continue;
                }
                az = std::atan2(y, x) * 180.0 / kPi;
                el = std::asin(std::clamp(z / r, -1.0, 1.0)) * 180.0 / kPi;
            } else if (type == "spherical") {
                if (r <= 0.0)
                    ++no_direction;
                if (degrees && std::abs(el) > 90.0 + 1e-3)
                    ++beyond_pole;
                largest_angle = std::max({largest_angle, std::abs(az), std::abs(el)});
                if (!degrees)
                    continue;
            } else {
                return;
            }
            // Directions compared to 1e-4 degree and 0.1 mm; azimuth is meaningless at a pole.
            double wrapped = std::fmod(az, 360.0);
            if (wrapped < 0)
                wrapped += 360.0;
            if (std::abs(el) >= 90.0 - 1e-4)
                wrapped = 0.0;
            auto key = std::make_tuple(std::llround(wrapped * 1e4) % 3600000,
                                       std::llround(el * 1e4), std::llround(r * 1e4));
            keys.push_back(key);
        }
        if (no_direction)
            add(Basis::convention, "P003", element,
                "SourcePosition: " + std::to_string(no_direction) +
                    " positions have no direction (radius 0 or less, or the origin)");
        if (beyond_pole)
            add(Basis::convention, "P001", element,
                "SourcePosition: " + std::to_string(beyond_pole) +
                    " elevations are outside [-90, 90] degrees");
        if (type == "spherical" && degrees && M > 8 && largest_angle <= 2 * kPi + 1e-9)
            add(Basis::convention, "P002", element,
                "SourcePosition: every angle is within +-2 pi although the units are degrees: "
                "radians stored as degrees?");
        std::sort(keys.begin(), keys.end());
        const std::size_t distinct =
            static_cast<std::size_t>(std::unique(keys.begin(), keys.end()) - keys.begin());
        if (distinct < keys.size())
            add(Basis::convention, "P004", element,
                "SourcePosition: " + std::to_string(keys.size() - distinct) +
                    " measurements repeat the direction of an earlier one");
    }

    void up_and_view() {
        const NcVariable* up = f_.variable("ListenerUp");
        const NcVariable* view = f_.variable("ListenerView");
        if (!up || !view || !up->values_read || !view->values_read || up->values.size() < 3 ||
            view->values.size() < 3 || lower(view->text("Type")) != "cartesian")
            return;
        const double dot = up->values[0] * view->values[0] + up->values[1] * view->values[1] +
                           up->values[2] * view->values[2];
        const double lengths = std::hypot(up->values[0], up->values[1], up->values[2]) *
                               std::hypot(view->values[0], view->values[1], view->values[2]);
        if (lengths == 0.0 || std::abs(dot) > 1e-6 * lengths)
            add(Basis::convention, "P005", "variable:ListenerUp",
                "ListenerUp (" + number(up->values[0]) + ", " + number(up->values[1]) + ", " +
                    number(up->values[2]) + ") is not perpendicular to ListenerView (" +
                    number(view->values[0]) + ", " + number(view->values[1]) + ", " +
                    number(view->values[2]) + ")" + fix());
    }

    // ---- libmysofa's own view of the global attributes --------------------------------
    void libmysofa_view_of_attributes() {
        if (!mysofa_loaded())
            return;
        std::map<std::string, std::vector<std::string>> seen;
        for (const auto& [key, value] : f_.mysofa.attributes)
            if (!key.empty() && key[0] != '_')
                seen[key].push_back(value);
        for (const NcAttribute& a : f_.globals) {
            if (!a.is_char())
                continue;
            // libmysofa's strings end at the first NUL; some writers store one at the end.
            const std::string value = a.text.substr(0, a.text.find('\0'));
            const auto it = seen.find(a.name);
            const std::string element = "global:" + a.name;
            if (it == seen.end()) {
                const bool needed = a.name == "Conventions" || a.name == "SOFAConventions" ||
                                    a.name == "DataType" || a.name == "RoomType";
                add(needed ? Basis::renderer : Basis::renderer_warning, "A007", element,
                    "libmysofa 1.3.1 does not see GLOBAL:" + a.name +
                        " (it reads only about the first 4 kB of global attributes)" +
                        (needed ? "; its checks then refuse the file" : "") +
                        "; put the mandatory attributes first and shorten the others");
                continue;
            }
            std::vector<std::string> others;
            for (const std::string& v : it->second)
                if (v != value)
                    others.push_back(v);
            if (!others.empty())
                add(Basis::renderer_warning, "A008", element,
                    "libmysofa 1.3.1 sees GLOBAL:" + a.name + " as " + quoted(others[0]) +
                        (it->second.size() > others.size() ? " besides " + quoted(value) : "") +
                        ", netCDF as " + quoted(value) +
                        ": an older value left behind by editing the file in place; copy the "
                        "file afresh (nccopy IN OUT) to drop it");
            seen.erase(it);
        }
        for (const auto& [key, values] : seen)
            add(Basis::renderer_warning, "A008", "global:" + key,
                "libmysofa 1.3.1 still sees GLOBAL:" + key + " = " + quoted(values[0]) +
                    ", which netCDF says was deleted (the file was edited in place); copy the "
                    "file afresh (nccopy IN OUT) to drop it");
    }

    // ---- libmysofa and pinna as readers: what no check above explained ---------------
    void readers() {
        const MysofaFacts& m = f_.mysofa;
        if (!m.ran && !m.crash.empty()) {
            add(Basis::renderer, "L000", "file",
                "libmysofa 1.3.1 crashed reading this file (" + m.crash +
                    "): renderers that load it crash too");
            return;
        }
        if (!m.ran)
            return;
        if (m.load != 0 && !refusal_explained())
            add(Basis::renderer, "L001", "file",
                "libmysofa 1.3.1's mysofa_load refuses the file: " + mysofa_code_name(m.load) +
                    "; no check of pinna's found why");
        else if (m.load == 0 && m.check != 0 && !refusal_explained())
            add(Basis::renderer, "L002", "file",
                "libmysofa 1.3.1's mysofa_check refuses the file: " + mysofa_code_name(m.check) +
                    "; no check of pinna's found why");
        else if (m.load == 0 && m.check == 0 && m.open != 0 && !refusal_explained())
            add(Basis::renderer, "L003", "file",
                "libmysofa 1.3.1's mysofa_open refuses the file: " + mysofa_code_name(m.open) +
                    "; no check of pinna's found why");
        if (f_.pinna_ran && !f_.pinna_reads && !refusal_explained())
            add(Basis::renderer, "L004", "file",
                "pinna's reader refuses the file: " + f_.pinna_error);
    }

    const SofaFacts& f_;
    SofaVerifyProfile profile_;
    std::vector<Finding> findings_;
    std::string name_, version_, sofa_version_;
    const ConventionSpec* spec_ = nullptr;
    bool hrir_ = false;  ///< libmysofa's SimpleFreeFieldHRIR rules apply
    bool hrir_spelled_wrong_ = false;
};

}  // namespace

Severity severity_of(Basis basis, SofaVerifyProfile profile) {
    const bool renderer = profile == SofaVerifyProfile::renderer;
    switch (basis) {
        case Basis::hard:
            return Severity::error;
        case Basis::both:
            return renderer ? Severity::error : Severity::warning;
        case Basis::convention:
            return Severity::warning;
        case Basis::renderer:
            return renderer ? Severity::error : Severity::info;
        case Basis::renderer_warning:
            return renderer ? Severity::warning : Severity::info;
        case Basis::note:
            return Severity::info;
    }
    return Severity::error;
}

std::vector<SofaProblem> judge_sofa(const SofaFacts& facts, SofaVerifyProfile profile) {
    return Judge(facts, profile).run();
}

SofaProblem inspection_failed_problem(const std::string& why) {
    return {Severity::error, "F004", "file",
            "the file broke pinna's isolated netCDF-C/HDF5 inspection (" + why +
                "): the netCDF-4/HDF5 structure is corrupt"};
}

}  // namespace pinna::detail
