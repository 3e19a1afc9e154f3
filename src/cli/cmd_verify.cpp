#include <cstdio>
#include <string>
#include <vector>

#include "cli/args.hpp"
#include "cli/commands.hpp"
#include "cli/json.hpp"
#include "pinna/error.hpp"
#include "pinna/verify.hpp"

namespace pinna::cli {

const char* const kVerifyHelp =
    "usage: pinna verify FILE... [--json] [--profile renderer|convention]\n\n"
    "Checks each SOFA file against the AES69 convention it declares (SimpleFreeFieldHRIR\n"
    "in full; the mandatory elements of the others) and against what renderers built on\n"
    "libmysofa 1.3.1 accept (mysofa_load, mysofa_check and mysofa_open are run on it), and\n"
    "lists every problem on its own line:\n\n"
    "  FILE: SEVERITY: ELEMENT: MESSAGE [ID]\n\n"
    "then one summary line per file. SEVERITY is error (renderers or the convention's hard\n"
    "rules refuse it), warning (the convention is broken, but the file is usable) or info\n"
    "(worth knowing). ELEMENT is file, global:NAME, dimension:NAME, variable:NAME or\n"
    "variable:NAME:ATTRIBUTE. docs/verify.md lists every ID. Where pinna can read the file,\n"
    "the messages say when `pinna convert` fixes a problem.\n\n"
    "  --json       print one JSON object instead of lines\n"
    "  --profile P  renderer (default): what libmysofa refuses is an error;\n"
    "               convention: only the convention counts (libmysofa's limits are info)\n\n"
    "exit status: 0 when every file is free of errors and warnings (info does not count),\n"
    "1 when any file has one or cannot be read (the other files are still checked), 2 bad\n"
    "usage\n";

namespace {

struct Checked {
    SofaVerification verification;
    bool readable = true;
};

SofaVerifyProfile profile_of(const Args& args) {
    const std::string profile = args.get("--profile", "renderer");
    if (profile == "renderer")
        return SofaVerifyProfile::renderer;
    if (profile == "convention")
        return SofaVerifyProfile::convention;
    throw UsageError("--profile must be 'renderer' or 'convention', got '" + profile + "'");
}

// A file that cannot be checked at all (missing, unreadable, too large) is one error
// problem, so that it is listed like the others.
Checked check(const std::string& path, const SofaVerifyOptions& options) {
    Checked c;
    try {
        c.verification = verify_sofa(path, options);
    } catch (const Error& e) {
        c.readable = false;
        c.verification.path = path;
        c.verification.problems.push_back(
            {Severity::error, "F001", "file",
             std::string("cannot check the file: ") + e.what() + " (" + to_string(e.kind()) + ")"});
    }
    return c;
}

std::string declared(const SofaVerification& v) {
    if (v.convention.empty())
        return "";
    std::string out = v.convention;
    if (!v.convention_version.empty())
        out += " " + v.convention_version;
    if (!v.sofa_version.empty())
        out += ", SOFA " + v.sofa_version;
    return " (" + out + ")";
}

std::string counted(std::size_t n, const char* one, const char* many) {
    return std::to_string(n) + " " + (n == 1 ? one : many);
}

void print_lines(const Checked& c) {
    const SofaVerification& v = c.verification;
    for (const SofaProblem& p : v.problems)
        std::printf("%s: %s: %s: %s [%s]\n", v.path.c_str(), to_string(p.severity),
                    p.element.c_str(), p.message.c_str(), p.id.c_str());
    const std::size_t errors = v.count(Severity::error), warnings = v.count(Severity::warning),
                      infos = v.count(Severity::info);
    if (!c.readable)
        std::printf("%s: not checked\n", v.path.c_str());
    else if (v.clean())
        std::printf("%s: clean%s%s\n", v.path.c_str(),
                    (infos ? ", " + counted(infos, "info", "info") : std::string()).c_str(),
                    declared(v).c_str());
    else
        std::printf("%s: %s, %s, %s%s\n", v.path.c_str(),
                    counted(errors, "error", "errors").c_str(),
                    counted(warnings, "warning", "warnings").c_str(),
                    counted(infos, "info", "info").c_str(), declared(v).c_str());
    std::fflush(stdout);
}

void add_json(Json& j, const Checked& c) {
    const SofaVerification& v = c.verification;
    j.begin_object();
    j.value("file", v.path).value("checked", c.readable);
    j.value("convention", v.convention)
        .value("convention_version", v.convention_version)
        .value("sofa_version", v.sofa_version);
    j.value("clean", v.clean());
    j.value("errors", v.count(Severity::error))
        .value("warnings", v.count(Severity::warning))
        .value("info", v.count(Severity::info));
    j.begin_array("problems");
    for (const SofaProblem& p : v.problems) {
        j.begin_object();
        j.value("severity", to_string(p.severity)).value("id", p.id);
        j.value("element", p.element).value("message", p.message);
        j.end_object();
    }
    j.end_array();
    j.end_object();
}

}  // namespace

int run_verify(const Argv& argv) {
    const Args args(argv, {"--json"}, {"--profile"});
    if (args.positionals().empty())
        throw UsageError("expected one or more SOFA files");
    SofaVerifyOptions options;
    options.profile = profile_of(args);
    const bool json = args.flag("--json");

    bool all_clean = true;
    Json j;
    if (json) {
        j.begin_object();
        j.value("profile",
                options.profile == SofaVerifyProfile::renderer ? "renderer" : "convention");
        j.begin_array("files");
    }
    for (const std::string& path : args.positionals()) {
        const Checked c = check(path, options);
        all_clean = all_clean && c.readable && c.verification.clean();
        if (json)
            add_json(j, c);
        else
            print_lines(c);
    }
    if (json) {
        j.end_array();
        j.value("clean", all_clean);
        j.end_object();
        std::fputs(j.str().c_str(), stdout);
    }
    return all_clean ? 0 : 1;
}

}  // namespace pinna::cli
