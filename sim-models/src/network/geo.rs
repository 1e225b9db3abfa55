//! Great-circle distance on a spherical Earth (haversine) and the fibre round-trip time
//! it implies.
//!
//! A hand check, Ashburn VA (39.04° N, 77.49° W) to Dublin (53.35° N, 6.26° W):
//!
//! ```text
//! sin²(Δφ/2)              = sin²(7.155°)  = 0.015514
//! cos φ1 · cos φ2         = 0.776706 × 0.596925 = 0.463636
//! sin²(Δλ/2)              = sin²(35.615°) = 0.339115
//! h = 0.015514 + 0.463636 × 0.339115      = 0.172740
//! d = 2 R asin(√h) = 2 × 6371 km × 0.428624 = 5461.5 km
//! fibre RTT = 2 d / (2/3 c) = 5461.5 / 99.93 km per ms = 54.65 ms
//! ```
//!
//! Azure measures 76 ms (P95) between Virginia and Dublin: the route is longer than the
//! great circle and the path adds fixed delays, which [`super::RttFit`] accounts for.

use crate::catalog::RegionSpec;

/// Mean Earth radius, km (IUGG).
pub const EARTH_RADIUS_KM: f64 = 6371.0;

/// Speed of light in vacuum, km/s.
pub const LIGHT_KM_PER_S: f64 = 299_792.458;

/// One-way signal speed in optical fibre, km per ms: about 2/3 c (refractive index ~1.5).
pub const FIBRE_KM_PER_MS: f64 = LIGHT_KM_PER_S * (2.0 / 3.0) / 1000.0;

/// Great-circle distance in km between two points given in decimal degrees (haversine
/// formula on a sphere of radius [`EARTH_RADIUS_KM`]; error vs the WGS-84 ellipsoid
/// below 0.5 %).
pub fn great_circle_km(lat1: f64, lon1: f64, lat2: f64, lon2: f64) -> f64 {
    let (phi1, phi2) = (lat1.to_radians(), lat2.to_radians());
    let half_dphi = (lat2 - lat1).to_radians() / 2.0;
    let half_dlambda = (lon2 - lon1).to_radians() / 2.0;
    let h = half_dphi.sin().powi(2) + phi1.cos() * phi2.cos() * half_dlambda.sin().powi(2);
    // Rounding can push h a hair above 1 for antipodal points.
    2.0 * EARTH_RADIUS_KM * h.clamp(0.0, 1.0).sqrt().asin()
}

/// Great-circle distance in km between the metro centroids of two regions.
pub fn region_distance_km(a: &RegionSpec, b: &RegionSpec) -> f64 {
    great_circle_km(a.lat, a.lon, b.lat, b.lon)
}

/// Round-trip time in ms of light in fibre laid along the great circle: `2 d / (2/3 c)`,
/// about 1 ms per 100 km. A lower bound on any real RTT over that distance.
pub fn fibre_rtt_ms(distance_km: f64) -> f64 {
    2.0 * distance_km / FIBRE_KM_PER_MS
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(got: f64, want: f64, rel: f64) -> bool {
        (got - want).abs() <= rel * want.abs().max(f64::MIN_POSITIVE)
    }

    #[test]
    fn ashburn_dublin_matches_the_hand_check_in_the_module_doc() {
        let d = great_circle_km(39.04, -77.49, 53.35, -6.26);
        assert!(close(d, 5461.5, 1e-4), "got {d}");
        assert!(
            close(fibre_rtt_ms(d), 54.65, 1e-3),
            "got {}",
            fibre_rtt_ms(d)
        );
    }

    #[test]
    fn distance_is_symmetric_and_zero_on_the_diagonal() {
        let d1 = great_circle_km(51.51, -0.13, 52.37, 4.9);
        let d2 = great_circle_km(52.37, 4.9, 51.51, -0.13);
        assert_eq!(d1, d2);
        assert!(close(d1, 357.7, 1e-3), "London-Amsterdam {d1}");
        assert_eq!(great_circle_km(35.68, 139.69, 35.68, 139.69), 0.0);
    }

    #[test]
    fn quarter_meridian_and_antipodes() {
        let quarter = std::f64::consts::FRAC_PI_2 * EARTH_RADIUS_KM;
        assert!(close(great_circle_km(0.0, 0.0, 90.0, 0.0), quarter, 1e-12));
        let half = std::f64::consts::PI * EARTH_RADIUS_KM;
        assert!(close(great_circle_km(0.0, 0.0, 0.0, 180.0), half, 1e-12));
        // Near antipodes asin(√h) is ill-conditioned: about √ε relative error.
        let near = great_circle_km(10.0, 20.0, -10.0, -160.0);
        assert!(close(near, half, 1e-7), "{near}");
    }

    #[test]
    fn fibre_is_about_one_ms_per_hundred_km() {
        assert!(close(fibre_rtt_ms(100.0), 1.000_692, 1e-6));
    }
}
