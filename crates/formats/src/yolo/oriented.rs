//! Oriented boxes from four corner points, in pixels.
//!
//! A box's `width` runs along the edge from the first point to the second (DOTA's first point
//! is the object's head, Ultralytics keeps the order it is given), `height` along the next;
//! `angle` is that first edge's direction in radians, clockwise from the x axis as images are
//! drawn (y down), brought into (-π/2, π/2] by turning the edge end for end, which is the same
//! box.

use std::f64::consts::{FRAC_PI_2, FRAC_PI_4, PI};

/// Corners within this many pixels of a rectangle's make one; also see [`TOLERANCE_SHARE`].
const TOLERANCE_PIXELS: f64 = 1.0;
/// ... or within this share of the box's diagonal, for large boxes.
const TOLERANCE_SHARE: f64 = 0.01;

/// A rotated box: centre, sides and angle as the module doc says.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct OrientedBox {
    pub cx: f64,
    pub cy: f64,
    pub width: f64,
    pub height: f64,
    pub angle: f64,
}

/// The rectangle four points in order around it make, when they make one within the
/// tolerance: its diagonals cross at their middles and are as long as each other.
pub(super) fn rectangle(points: &[[f64; 2]; 4]) -> Option<OrientedBox> {
    let [p1, p2, p3, p4] = *points;
    let middle = |a: [f64; 2], b: [f64; 2]| [(a[0] + b[0]) / 2.0, (a[1] + b[1]) / 2.0];
    let (m13, m24) = (middle(p1, p3), middle(p2, p4));
    let (d13, d24) = (distance(p1, p3), distance(p2, p4));
    let tolerance = TOLERANCE_PIXELS.max(TOLERANCE_SHARE * d13.max(d24));
    if distance(m13, m24) > tolerance || (d13 - d24).abs() > tolerance {
        return None;
    }
    let width = (distance(p1, p2) + distance(p3, p4)) / 2.0;
    let height = (distance(p2, p3) + distance(p4, p1)) / 2.0;
    // The two edges that run the first edge's way, averaged.
    let along = [p2[0] - p1[0] + p3[0] - p4[0], p2[1] - p1[1] + p3[1] - p4[1]];
    let center = middle(m13, m24);
    solid(OrientedBox {
        cx: center[0],
        cy: center[1],
        width,
        height,
        angle: half_turn(along[1].atan2(along[0])),
    })
}

/// The smallest rectangle around four points, as training tools fit a quadrilateral
/// (`cv2.minAreaRect`): one of its sides lies along an edge of the points' convex hull. Its
/// width runs the way of the first edge, as for [`rectangle`]. `None` when the points lie on
/// one line.
pub(super) fn smallest_around(points: &[[f64; 2]; 4]) -> Option<OrientedBox> {
    let hull = convex_hull(points);
    let mut best: Option<(f64, OrientedBox)> = None;
    for (i, a) in hull.iter().enumerate() {
        let b = hull[(i + 1) % hull.len()];
        let length = distance(*a, b);
        if length == 0.0 {
            continue;
        }
        let u = [(b[0] - a[0]) / length, (b[1] - a[1]) / length];
        let v = [-u[1], u[0]];
        let along = |axis: [f64; 2]| {
            let projected = points.iter().map(|p| p[0] * axis[0] + p[1] * axis[1]);
            let low = projected.clone().fold(f64::INFINITY, f64::min);
            (low, projected.fold(f64::NEG_INFINITY, f64::max))
        };
        let ((u_low, u_high), (v_low, v_high)) = (along(u), along(v));
        let (width, height) = (u_high - u_low, v_high - v_low);
        let (cu, cv) = ((u_low + u_high) / 2.0, (v_low + v_high) / 2.0);
        let fitted = OrientedBox {
            cx: cu * u[0] + cv * v[0],
            cy: cu * u[1] + cv * v[1],
            width,
            height,
            angle: u[1].atan2(u[0]),
        };
        if best.is_none_or(|(area, _)| width * height < area) {
            best = Some((width * height, fitted));
        }
    }
    let (_, fitted) = best?;
    let [p1, p2, ..] = *points;
    let first_edge = (p2[1] - p1[1]).atan2(p2[0] - p1[0]);
    let turned = angle_between(fitted.angle, first_edge) > FRAC_PI_4;
    solid(if turned {
        OrientedBox {
            width: fitted.height,
            height: fitted.width,
            angle: half_turn(fitted.angle + FRAC_PI_2),
            ..fitted
        }
    } else {
        OrientedBox {
            angle: half_turn(fitted.angle),
            ..fitted
        }
    })
}

/// A box with no area is no box.
fn solid(fitted: OrientedBox) -> Option<OrientedBox> {
    let finite = [
        fitted.cx,
        fitted.cy,
        fitted.width,
        fitted.height,
        fitted.angle,
    ]
    .iter()
    .all(|v| v.is_finite());
    (finite && fitted.width > f64::EPSILON && fitted.height > f64::EPSILON).then_some(fitted)
}

fn distance(a: [f64; 2], b: [f64; 2]) -> f64 {
    (a[0] - b[0]).hypot(a[1] - b[1])
}

/// The angle brought into (-π/2, π/2].
fn half_turn(angle: f64) -> f64 {
    let mut angle = angle % PI;
    if angle > FRAC_PI_2 {
        angle -= PI;
    } else if angle <= -FRAC_PI_2 {
        angle += PI;
    }
    angle
}

/// How far apart two directions are, ignoring which way along them: in [0, π/2].
fn angle_between(a: f64, b: f64) -> f64 {
    let difference = (a - b).rem_euclid(PI);
    difference.min(PI - difference)
}

/// The convex hull of the points, counter-clockwise (Andrew's monotone chain).
fn convex_hull(points: &[[f64; 2]; 4]) -> Vec<[f64; 2]> {
    let mut sorted = points.to_vec();
    sorted.sort_by(|a, b| a[0].total_cmp(&b[0]).then(a[1].total_cmp(&b[1])));
    sorted.dedup();
    if sorted.len() < 3 {
        return sorted;
    }
    let cross = |o: [f64; 2], a: [f64; 2], b: [f64; 2]| {
        (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0])
    };
    let mut hull: Vec<[f64; 2]> = Vec::with_capacity(8);
    for pass in [sorted.clone(), sorted.into_iter().rev().collect()] {
        let start = hull.len();
        for point in pass {
            while hull.len() >= start + 2
                && cross(hull[hull.len() - 2], hull[hull.len() - 1], point) <= 0.0
            {
                hull.pop();
            }
            hull.push(point);
        }
        hull.pop();
    }
    hull
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rounded(b: OrientedBox) -> [f64; 5] {
        [b.cx, b.cy, b.width, b.height, b.angle].map(|v| (v * 1e6).round() / 1e6)
    }

    /// The corners of a box, first edge first.
    fn corners(cx: f64, cy: f64, w: f64, h: f64, angle: f64) -> [[f64; 2]; 4] {
        let (s, c) = angle.sin_cos();
        [(-0.5, -0.5), (0.5, -0.5), (0.5, 0.5), (-0.5, 0.5)]
            .map(|(u, v)| [cx + u * w * c - v * h * s, cy + u * w * s + v * h * c])
    }

    #[test]
    fn a_rotated_rectangle_comes_back_whatever_the_corner_it_starts_at() {
        let angle = 30f64.to_radians();
        let points = corners(100.0, 50.0, 40.0, 20.0, angle);
        let expected = rounded(OrientedBox {
            cx: 100.0,
            cy: 50.0,
            width: 40.0,
            height: 20.0,
            angle,
        });
        assert_eq!(rectangle(&points).map(rounded), Some(expected));
        assert_eq!(smallest_around(&points).map(rounded), Some(expected));
        // Starting at the third corner walks the first edge backwards: the same box.
        let turned = [points[2], points[3], points[0], points[1]];
        assert_eq!(rectangle(&turned).map(rounded), Some(expected));
        // Starting at the second corner makes the short side the first edge.
        let next = [points[1], points[2], points[3], points[0]];
        let short_first = rectangle(&next).map(rounded).unwrap();
        assert_eq!(short_first[2..4], [20.0, 40.0]);
        assert_eq!(short_first[4], ((angle - FRAC_PI_2) * 1e6).round() / 1e6);
    }

    #[test]
    fn an_axis_aligned_square_has_angle_zero() {
        let square = [[10.0, 10.0], [30.0, 10.0], [30.0, 30.0], [10.0, 30.0]];
        assert_eq!(
            rectangle(&square).map(rounded),
            Some([20.0, 20.0, 20.0, 20.0, 0.0])
        );
    }

    #[test]
    fn a_quadrilateral_is_no_rectangle_but_has_a_smallest_one_around_it() {
        let trapezoid = [[0.0, 0.0], [40.0, 0.0], [30.0, 20.0], [10.0, 20.0]];
        assert_eq!(rectangle(&trapezoid), None);
        let fitted = smallest_around(&trapezoid).unwrap();
        assert_eq!(rounded(fitted), [20.0, 10.0, 40.0, 20.0, 0.0]);
        // Rounding of pixel corners stays within the tolerance.
        let rounded_corners = corners(100.0, 50.0, 40.0, 20.0, 0.5).map(|p| p.map(f64::round));
        assert!(rectangle(&rounded_corners).is_some());
    }

    #[test]
    fn points_on_a_line_make_no_box() {
        let line = [[0.0, 0.0], [10.0, 10.0], [20.0, 20.0], [5.0, 5.0]];
        assert_eq!(smallest_around(&line), None);
        assert_eq!(rectangle(&[[1.0, 1.0]; 4]), None);
        let bowtie = [[0.0, 0.0], [10.0, 10.0], [10.0, 0.0], [0.0, 10.0]];
        assert_eq!(rectangle(&bowtie), None, "corners out of order");
    }
}
