// query_moving_source FILE.sofa: what an audio engine does with pinna. Load an HRTF set,
// build a QueryEngine once (off the audio thread), then, block by block, query the HRIR
// pair of a source circling the listener and read the delays each ear's delay line needs.
#include <pinna/error.hpp>
#include <pinna/query.hpp>
#include <pinna/sofa.hpp>

#include <cstdio>
#include <exception>
#include <vector>

int main(int argc, char** argv) {
    if (argc != 2) {
        std::fprintf(stderr, "usage: query_moving_source FILE.sofa\n");
        return 2;
    }
    try {
        pinna::QueryEngineOptions options;
        options.sample_rate_hz = 48000.0;  // resampled once, here
        const pinna::QueryEngine engine(pinna::read_sofa(argv[1]), options);
        std::printf("%zu measurements, %zu taps at %.0f Hz\n", engine.measurements(), engine.taps(),
                    engine.sample_rate_hz());

        // On the audio thread: no allocation, no lock, no exception.
        std::vector<float> left(engine.taps()), right(engine.taps());
        pinna::EarDelays delays;
        for (int block = 0; block <= 8; ++block) {
            const pinna::Direction source{45.0 * block, 0.0, 1.0};
            engine.query(source, left.data(), right.data(), delays);
            std::printf("azimuth %5.1f deg: delay left %6.2f, right %6.2f samples\n",
                        source.azimuth_deg, delays.left_samples, delays.right_samples);
        }
        return 0;
    } catch (const pinna::Error& e) {
        std::fprintf(stderr, "query_moving_source: %s (%s)\n", e.what(),
                     pinna::to_string(e.kind()));
        return 1;
    }
}
