#include "sofa/verify_conventions.hpp"

#include <algorithm>
#include <cctype>
#include <sstream>

namespace pinna::detail {
namespace {

// One convention version as the tables write it. `variables`: "Name DIMS,DIMS; ..." where a
// '*' after the name marks a mandatory variable and a '$' a string variable; `flags`: 'F'
// free field only, 'E' one emitter.
struct Row {
    const char* name;
    const char* version;
    const char* data_type;
    const char* replacement;
    const char* flags;
    const char* extra_globals;
    std::string variables;
    const char* attributes;
};

// The mandatory global attributes every convention shares.
constexpr const char* kCommonGlobals =
    "Conventions Version SOFAConventions SOFAConventionsVersion APIName APIVersion "
    "AuthorContact DataType License Organization RoomType DateCreated DateModified Title";

constexpr const char* kFreeFieldHrir =
    "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
    "EmitterPosition* ECI,ECM; ListenerUp* IC,MC; ListenerView* IC,MC; SourceUp IC,MC; "
    "SourceView IC,MC; Data.IR* MRN; Data.SamplingRate* I,M; Data.Delay* IR,MR";
constexpr const char* kSimpleTf =
    "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
    "EmitterPosition* ECI,ECM; ListenerUp* IC,MC; ListenerView* IC,MC; N* N; Data.Real* MRN; "
    "Data.Imag* MRN";
constexpr const char* kSimpleSos =
    "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
    "EmitterPosition* ECI,ECM; ListenerUp* IC,MC; ListenerView* IC,MC; Data.SOS* MRN; "
    "Data.SamplingRate* I,M; Data.Delay* IR,MR";
constexpr const char* kHeadphones =
    "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
    "EmitterPosition* ECI,ECM; SourceManufacturer$ MS; SourceModel$ MS; "
    "ReceiverDescription$ MS; EmitterDescription$ MS; ReceiverDescriptions$ MS; "
    "EmitterDescriptions$ MS; MeasurementDate M; Data.IR* MRN; Data.SamplingRate* I,M; "
    "Data.Delay* IR,MR";
constexpr const char* kSingleRoom =
    "RoomTemperature I,M; RoomVolume I,M; RoomCornerA IC,MC; RoomCornerB IC,MC; RoomCorners II; "
    "ListenerPosition* MC; ListenerView* IC,MC; ListenerUp* IC,MC; ReceiverDescriptions$ RS,RSM; "
    "ReceiverPosition* IC,RCI,RCM; ReceiverView RCI,RCM; ReceiverUp RCI,RCM; SourcePosition* MC; "
    "SourceView* IC,MC; SourceUp* IC,MC; EmitterDescriptions$ ES,ESM; EmitterView ECI,ECM; "
    "EmitterUp ECI,ECM; MeasurementDate M; Data.SamplingRate* I,M; ";
constexpr const char* kDirectivity =
    "ListenerPosition* IC,MC; ListenerView* IC,MC; ListenerUp* IC,MC; ReceiverPosition* IC,RC,RCM; "
    "SourcePosition* IC,MC; SourceView* IC,MC; SourceUp* IC,MC; EmitterDescription$ IS,MS; "
    "EmitterDescriptions$ MS,ES,MES; MIDINote I,M; Description$ MS; SourceTuningFrequency I,M; "
    "N* N; Data.Real* MRN; Data.Imag* MRN";
constexpr const char* kAnnotatedAudio =
    "ListenerPosition* IC,MC; ReceiverPosition* RC,RCM; SourcePosition* IC,MC; "
    "EmitterPosition* EC,ECM; ListenerUp* IC,MC; ListenerView* IC,MC; M* M; Data.SamplingRate* I";

// Built on first use (some variable lists are assembled from the shared parts above).
const std::vector<Row>& rows() {
    static const std::vector<Row> kRows = {
        {"SimpleFreeFieldHRIR", "0.4", "FIR", "", "FE", "DatabaseName ListenerShortName",
         "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* ECI,ECM; ListenerUp* IC,MC; ListenerView* IC,MC; Data.IR* MRN; "
         "Data.SamplingRate* I; Data.Delay* IR,MR",
         ""},
        {"SimpleFreeFieldHRIR", "1.0", "FIR", "", "FE", "DatabaseName ListenerShortName",
         kFreeFieldHrir, ""},
        {"SimpleFreeFieldHRTF", "1.0", "TF", "", "FE", "DatabaseName ListenerShortName", kSimpleTf,
         "N:LongName N:Units"},
        {"SimpleFreeFieldTF", "0.4", "TF", "SimpleFreeFieldHRTF", "FE",
         "DatabaseName ListenerShortName", kSimpleTf, ""},
        {"SimpleFreeFieldTF", "1.0", "TF", "SimpleFreeFieldHRTF", "FE",
         "DatabaseName ListenerShortName", kSimpleTf, ""},
        {"SimpleFreeFieldHRSOS", "1.0", "SOS", "", "FE", "DatabaseName ListenerShortName",
         kSimpleSos, ""},
        {"SimpleFreeFieldSOS", "1.0", "SOS", "SimpleFreeFieldHRSOS", "FE",
         "DatabaseName ListenerShortName", kSimpleSos, ""},
        {"FreeFieldHRIR", "1.0", "FIR-E", "", "F", "DatabaseName ListenerShortName",
         "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* IC,ECI,ECM; ListenerUp* IC,MC; ListenerView* IC,MC; Data.IR* MRNE; "
         "Data.SamplingRate* I,M; Data.Delay* IRI,MRI,MRE",
         ""},
        {"FreeFieldHRTF", "1.0", "TF-E", "", "F", "DatabaseName ListenerShortName",
         "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* IC,ECI,ECM; ListenerUp* IC,MC; ListenerView* IC,MC; N* N; "
         "Data.Real* MRNE; Data.Imag* MRNE",
         "N:LongName N:Units"},
        {"GeneralFIR", "1.0", "FIR", "", "", "Comment",
         "ListenerPosition* IC,MC; ReceiverPosition* IC,RC,RCI,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* ECI,ECM; ListenerView IC,MC; ListenerUp IC,MC; Data.IR* MRN; "
         "Data.SamplingRate* I,M; Data.Delay* IR,MR",
         ""},
        {"GeneralFIR-E", "2.0", "FIR-E", "", "", "",
         "ListenerPosition* IC,MC; ReceiverPosition* IC,RC,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* IC,EC,ECM; ListenerView IC,MC; ListenerUp IC,MC; Data.IR* MRNE; "
         "Data.SamplingRate* I,M; Data.Delay* IRE,MRE",
         ""},
        {"GeneralFIRE", "1.0", "FIRE", "GeneralFIR-E", "", "Comment",
         "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* ECI,ECM; Data.IR* MREN; Data.SamplingRate* I; Data.Delay* IRE,MRE",
         ""},
        {"GeneralTF", "1.0", "TF", "", "", "Comment",
         "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* ECI,ECM; N* N; Data.Real* MRN; Data.Imag* MRN",
         "N:LongName N:Units"},
        {"GeneralTF", "2.0", "TF", "", "", "",
         "ListenerPosition* IC,MC; ReceiverPosition* IC,RC,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* EC,ECM; N* N; Data.Real* MRN; Data.Imag* MRN",
         "N:LongName N:Units"},
        {"GeneralTF-E", "1.0", "TF-E", "", "", "",
         "ListenerPosition* IC,MC; ReceiverPosition* IC,RC,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* IC,EC,ECM; N* N; Data.Real* MRNE; Data.Imag* MRNE",
         "N:LongName N:Units"},
        {"GeneralSOS", "1.0", "SOS", "", "", "",
         "ListenerPosition* IC,MC; ListenerView IC,MC; ReceiverPosition* IC,RC,RCM; "
         "SourcePosition* IC,MC; EmitterPosition* ECI,ECM; Data.SOS* MRN; Data.SamplingRate* I,M; "
         "Data.Delay* IR,MR",
         ""},
        {"SimpleHeadphoneIR", "0.1", "FIR", "", "",
         "Comment DatabaseName ListenerShortName ListenerDescription SourceDescription "
         "SourceManufacturer SourceModel SourceURI ReceiverDescription EmitterDescription",
         kHeadphones, ""},
        {"SimpleHeadphoneIR", "0.2", "FIR", "", "",
         "Comment DatabaseName ListenerShortName ListenerDescription SourceDescription "
         "SourceManufacturer SourceModel SourceURI ReceiverDescription EmitterDescription",
         kHeadphones, ""},
        {"SimpleHeadphoneIR", "1.0", "FIR", "", "",
         "DatabaseName ListenerShortName ReceiverDescription EmitterDescription", kHeadphones, ""},
        {"SingleRoomSRIR", "1.0", "FIR", "", "", "DatabaseName",
         (std::string(kSingleRoom) + "EmitterPosition* ECI,ECM; Data.IR* MRN; Data.Delay* IR,MR"),
         ""},
        {"SingleRoomMIMOSRIR", "1.0", "FIR-E", "", "", "DatabaseName",
         (std::string(kSingleRoom) +
          "EmitterPosition* IC,ECI,ECM; Data.IR* MRNE; Data.Delay* IRI,MRI,MRE"),
         ""},
        {"SingleRoomDRIR", "0.3", "FIR", "SingleRoomSRIR", "",
         "Comment DatabaseName RoomDescription",
         "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* ECI,ECM; ListenerUp* IC,MC; ListenerView* IC,MC; SourceUp* IC,MC; "
         "SourceView* IC,MC; Data.IR* MRN; Data.SamplingRate* I; Data.Delay* IR,MR",
         ""},
        {"MultiSpeakerBRIR", "0.3", "FIRE", "SingleRoomMIMOSRIR", "",
         "Comment DatabaseName ListenerShortName",
         "ListenerPosition* IC,MC; ReceiverPosition* RCI,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* ECI,ECM; ListenerUp* IC,MC; ListenerView* IC,MC; EmitterUp ECI,ECM; "
         "EmitterView ECI,ECM; Data.IR* MREN; Data.SamplingRate* I; Data.Delay* IRE,MRE",
         ""},
        {"FreeFieldDirectivityTF", "1.0", "TF", "", "",
         "Comment DatabaseName SourceType SourceManufacturer",
         (std::string(kDirectivity) + "; EmitterPosition* IC,MC"),
         "SourcePosition:Reference SourceView:Reference SourceUp:Reference N:LongName N:Units"},
        {"FreeFieldDirectivityTF", "1.1", "TF", "", "",
         "DatabaseName SourceType SourceManufacturer",
         (std::string(kDirectivity) + "; EmitterPosition* EC,ECM"),
         "SourcePosition:Reference SourceView:Reference SourceUp:Reference N:LongName N:Units"},
        {"AnnotatedEmitterAudio", "0.2", "Audio", "", "", "",
         (std::string(kAnnotatedAudio) + "; Data.Emitter* IN,EN"), "M:LongName M:Units"},
        {"AnnotatedReceiverAudio", "0.2", "Audio", "", "", "",
         (std::string(kAnnotatedAudio) + "; Data.Receiver* IN,RN"), "M:LongName M:Units"},
        {"SingleTrackedAudio", "0.2", "FIR", "AnnotatedEmitterAudio or AnnotatedReceiverAudio", "",
         "",
         "ListenerPosition* IC,MC; ReceiverPosition* IC,RC,RCM; SourcePosition* IC,MC; "
         "EmitterPosition* EC,ECM; ListenerUp* IC,MC; ListenerView* IC,MC; EmitterUp EC,ECM; "
         "EmitterView EC,ECM; M* M; Data.Receiver NR; Data.Emitter NE; Data.SamplingRate* I",
         "M:LongName M:Units"},
    };
    return kRows;
}

std::vector<std::string> words(const std::string& text) {
    std::istringstream in(text);
    std::vector<std::string> out;
    for (std::string w; in >> w;)
        out.push_back(w);
    return out;
}

std::vector<std::string> split(const std::string& text, char separator) {
    std::vector<std::string> out;
    std::size_t begin = 0;
    while (begin <= text.size()) {
        const std::size_t end = std::min(text.find(separator, begin), text.size());
        out.push_back(text.substr(begin, end - begin));
        begin = end + 1;
    }
    return out;
}

std::vector<VariableSpec> parse_variables(const std::string& text) {
    std::vector<VariableSpec> out;
    for (const std::string& item : split(text, ';')) {
        const std::vector<std::string> parts = words(item);
        if (parts.size() != 2)
            continue;  // an empty item after the last ';'
        VariableSpec v;
        v.name = parts[0];
        while (!v.name.empty() && (v.name.back() == '*' || v.name.back() == '$')) {
            v.mandatory = v.mandatory || v.name.back() == '*';
            v.text = v.text || v.name.back() == '$';
            v.name.pop_back();
        }
        v.dims = split(parts[1], ',');
        out.push_back(std::move(v));
    }
    return out;
}

ConventionSpec build(const Row& row) {
    ConventionSpec c;
    c.name = row.name;
    c.version = row.version;
    c.data_type = row.data_type;
    c.replacement = row.replacement;
    c.globals = words(kCommonGlobals);
    for (const std::string& g : words(row.extra_globals))
        c.globals.push_back(g);
    c.variables = parse_variables(row.variables);
    c.attributes = words(row.attributes);
    const std::string flags = row.flags;
    c.free_field = flags.find('F') != std::string::npos;
    c.one_emitter = flags.find('E') != std::string::npos;
    return c;
}

// Version strings compare as numbers ("0.4" < "1.0" < "1.10"), part by part.
bool version_less(const std::string& a, const std::string& b) {
    const std::vector<std::string> pa = split(a, '.'), pb = split(b, '.');
    for (std::size_t i = 0; i < std::max(pa.size(), pb.size()); ++i) {
        const long x = i < pa.size() ? std::atol(pa[i].c_str()) : 0;
        const long y = i < pb.size() ? std::atol(pb[i].c_str()) : 0;
        if (x != y)
            return x < y;
    }
    return false;
}

std::string lower(std::string s) {
    for (char& c : s)
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    return s;
}

}  // namespace

const VariableSpec* ConventionSpec::variable(const std::string& variable_name) const {
    for (const VariableSpec& v : variables)
        if (v.name == variable_name)
            return &v;
    return nullptr;
}

const std::vector<ConventionSpec>& convention_specs() {
    static const std::vector<ConventionSpec> specs = [] {
        std::vector<ConventionSpec> out;
        for (const Row& row : rows())
            out.push_back(build(row));
        std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
            return a.name == b.name ? version_less(a.version, b.version) : a.name < b.name;
        });
        return out;
    }();
    return specs;
}

const ConventionSpec* find_convention(const std::string& name, const std::string& version,
                                      bool* exact) {
    const ConventionSpec* newest = nullptr;
    for (const ConventionSpec& c : convention_specs()) {
        if (c.name != name)
            continue;
        if (c.version == version) {
            *exact = true;
            return &c;
        }
        newest = &c;  // sorted oldest first
    }
    *exact = false;
    return newest;
}

std::string known_versions(const std::string& name) {
    std::string out;
    for (const ConventionSpec& c : convention_specs())
        if (c.name == name)
            out += (out.empty() ? "" : ", ") + c.version;
    return out;
}

std::string convention_ignoring_case(const std::string& name) {
    const std::string wanted = lower(name);
    for (const ConventionSpec& c : convention_specs())
        if (lower(c.name) == wanted)
            return c.name;
    return {};
}

std::string replacement_of_retired(const std::string& name) {
    static const std::pair<const char*, const char*> kRetired[] = {
        {"SimpleBRIR", "SingleRoomSRIR"},
        {"MusicalInstrumentDirectivityTF", "FreeFieldDirectivityTF"},
        {"SimpleFreeFieldDirectivityTF", "FreeFieldDirectivityTF"},
    };
    for (const auto& [old_name, replacement] : kRetired)
        if (name == old_name)
            return replacement;
    return {};
}

bool known_data_type(const std::string& data_type) {
    for (const char* known : {"Audio", "FIR", "FIR-E", "FIRE", "TF", "TF-E", "SOS"})
        if (data_type == known)
            return true;
    return false;
}

}  // namespace pinna::detail
