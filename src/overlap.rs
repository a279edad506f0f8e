//! Batches worked on in parallel while the batch before them is handed on, in order.
//!
//! A streamed run checks files in batches and then writes each batch's reports in input order;
//! the writing is serial. Done one after the other, every worker waits while a batch is
//! written. Here the next batch is started on the pool first and the current thread writes the
//! previous batch meanwhile (and then joins in the work), so the writing is hidden behind the
//! checking whenever there is more than one thread. Order and content of what is handed on do
//! not change: only when it is computed.

use rayon::Scope;
use std::io;

/// Apply `work` to every batch of `batches` (on the rayon pool) and hand every result, batch
/// after batch and in the order `work` returns them, to `hand` on the current thread. The
/// batches are taken from the iterator on the current thread, one ahead of the handing; at most
/// two batches' results are held at once. The first error of `hand` stops the run (the batch
/// already started is finished first) and is returned.
pub fn overlapped<B, T, W, H>(
    batches: impl IntoIterator<Item = B>,
    work: W,
    mut hand: H,
) -> io::Result<()>
where
    B: Send,
    T: Send,
    W: Fn(B) -> Vec<T> + Sync,
    H: FnMut(T) -> io::Result<()>,
{
    let mut batches = batches.into_iter();
    let mut done: Vec<T> = Vec::new();
    loop {
        let batch = batches.next();
        let last = batch.is_none();
        let mut next: Vec<T> = Vec::new();
        let handed = rayon::in_place_scope(|scope: &Scope<'_>| {
            if let Some(batch) = batch {
                let (work, next) = (&work, &mut next);
                scope.spawn(move |_| *next = work(batch));
            }
            done.drain(..).try_for_each(&mut hand)
        });
        handed?;
        if last {
            return Ok(());
        }
        done = next;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rayon::prelude::*;

    #[test]
    fn results_are_handed_in_batch_order_on_any_pool() {
        for threads in [1, 2, 4] {
            let pool = rayon::ThreadPoolBuilder::new()
                .num_threads(threads)
                .build()
                .expect("pool");
            let seen = pool.install(|| {
                let mut seen = Vec::new();
                let batches = (0..50u32).collect::<Vec<_>>();
                overlapped(
                    batches.chunks(7),
                    |b: &[u32]| b.par_iter().map(|n| n * 10).collect(),
                    |n| {
                        seen.push(n);
                        Ok(())
                    },
                )
                .expect("no error");
                seen
            });
            assert_eq!(
                seen,
                (0..50).map(|n| n * 10).collect::<Vec<_>>(),
                "{threads} threads"
            );
        }
    }

    #[test]
    fn no_batch_hands_nothing_and_an_error_stops_the_run() {
        let mut calls = 0;
        overlapped(
            Vec::<Vec<u8>>::new(),
            |b| b,
            |_: u8| {
                calls += 1;
                Ok(())
            },
        )
        .expect("nothing to do");
        assert_eq!(calls, 0);
        let mut handed = Vec::new();
        let outcome = overlapped(
            vec![vec![1, 2], vec![3, 4], vec![5]],
            |b| b,
            |n: i32| {
                if n == 3 {
                    return Err(io::Error::other("stop"));
                }
                handed.push(n);
                Ok(())
            },
        );
        assert_eq!(
            outcome.expect_err("the third item fails").to_string(),
            "stop"
        );
        assert_eq!(handed, [1, 2]);
    }
}
