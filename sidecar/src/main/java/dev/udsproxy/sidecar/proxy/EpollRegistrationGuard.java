package dev.udsproxy.sidecar.proxy;

import io.netty.channel.IoHandle;
import io.netty.channel.IoHandler;
import io.netty.channel.IoHandlerContext;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.IoOps;
import io.netty.channel.IoRegistration;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollIoOps;
import io.netty.util.concurrent.ThreadAwareExecutor;

/**
 * Works around a Netty 4.2.18 epoll defect that breaks half-closed connections. When a channel's interest set
 * becomes empty (after EOF with ALLOW_HALF_CLOSURE: EPOLLIN and EPOLLRDHUP cleared, nothing left to write),
 * EpollIoHandler removes the fd from epoll (EPOLL_CTL_DEL) but keeps the registration marked as added; the next
 * interest (EPOLLOUT, when a large answer fills the socket buffer) is then an EPOLL_CTL_MOD that fails with ENOENT
 * and the connection dies mid-answer. Here an empty interest set is submitted as EPOLLET alone: the fd stays in
 * epoll with no events asked for, and later interests are valid modifications.
 */
final class EpollRegistrationGuard implements IoHandlerFactory {
    private final IoHandlerFactory epoll = EpollIoHandler.newFactory();

    @Override
    public IoHandler newHandler(ThreadAwareExecutor executor) {
        IoHandler delegate = epoll.newHandler(executor);
        return new IoHandler() {
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
            public IoRegistration register(IoHandle handle) throws Exception {
                return new Guarded(delegate.register(handle));
            }

            @Override
            public void wakeup() {
                delegate.wakeup();
            }

            @Override
            public boolean isCompatible(Class<? extends IoHandle> handleType) {
                return delegate.isCompatible(handleType);
            }
        };
    }

    private record Guarded(IoRegistration delegate) implements IoRegistration {
        @Override
        public <T> T attachment() {
            return delegate.attachment();
        }

        @Override
        public long submit(IoOps ops) {
            if (ops instanceof EpollIoOps e && e.value() == EpollIoOps.NONE.value()) {
                return delegate.submit(EpollIoOps.EPOLLET);
            }
            return delegate.submit(ops);
        }

        @Override
        public boolean isValid() {
            return delegate.isValid();
        }

        @Override
        public boolean cancel() {
            return delegate.cancel();
        }
    }
}
