package io.edgelb.agent.net;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.util.concurrent.ThreadAwareExecutor;
import io.netty.channel.epoll.EpollIoOps;

/**
 * Works around a netty 4.2.18 epoll bug that loses relayed data after a half-close.
 *
 * <p>When a channel's interest set becomes empty — reading paused for backpressure and EPOLLRDHUP
 * cleared after the peer's FIN — netty's registration deletes the fd from epoll (netty PR #16689)
 * but keeps believing it is added, so the next interest change (EPOLLOUT for a pending write)
 * issues EPOLL_CTL_MOD, gets ENOENT, and the write fails: the channel's output is shut down and
 * buffered bytes are dropped. Here an empty interest set is submitted as EPOLLET alone instead:
 * the fd stays in the set, later modifications succeed, and because HUP and ERR are then
 * reported edge-triggered (once), the endless wake-ups #16689 meant to stop do not happen either.
 * Remove this class once a netty release with native jars fixes the registration state.
 */
final class KeepRegisteredEpollIoHandler implements IoHandler {
    private final IoHandler delegate;

    private KeepRegisteredEpollIoHandler(IoHandler delegate) {
        this.delegate = delegate;
    }

    static IoHandlerFactory wrap(IoHandlerFactory epoll) {
        return new IoHandlerFactory() {
            @Override
            public IoHandler newHandler(ThreadAwareExecutor executor) {
                return new KeepRegisteredEpollIoHandler(epoll.newHandler(executor));
            }

            @Override
            public boolean isChangingThreadSupported() {
                return epoll.isChangingThreadSupported();
            }
        };
    }

    @Override
    public IoRegistration register(IoHandle handle) throws Exception {
        IoRegistration registration = delegate.register(handle);
        return new IoRegistration() {
            @Override
            public <T> T attachment() {
                return registration.attachment();
            }

            @Override
            public long submit(IoOps ops) {
                boolean empty = ops instanceof EpollIoOps epollOps && epollOps.value() == 0;
                return registration.submit(empty ? EpollIoOps.EPOLLET : ops);
            }

            @Override
            public boolean isValid() {
                return registration.isValid();
            }

            @Override
            public boolean cancel() {
                return registration.cancel();
            }
        };
    }

    @Override
    public void initialize() {
        delegate.initialize();
    }

    @Override
    public int run(IoHandlerContext context) {
        return delegate.run(context);
    }

    @Override
    public void prepareToDestroy() {
        delegate.prepareToDestroy();
    }

    @Override
    public void destroy() {
        delegate.destroy();
    }

    @Override
    public void wakeup() {
        delegate.wakeup();
    }

    @Override
    public boolean isCompatible(Class<? extends IoHandle> handleType) {
        return delegate.isCompatible(handleType);
    }
}
